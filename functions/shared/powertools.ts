/** The handlers' Powertools: the same instances the adapters log with (adapters/shared/powertools.ts). */
export * from '../../adapters/shared/powertools.js';

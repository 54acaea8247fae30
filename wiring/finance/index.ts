/** What the rest of the system uses of the finance wiring: features and queue targets for metering. */
export * from './metering.js';

/** Set up for every test file: its temporary folders go when its tests end (after the files' own afterAll hooks). */
import { afterAll } from 'vitest';
import { removeTempDirs } from './temp.js';

afterAll(removeTempDirs);

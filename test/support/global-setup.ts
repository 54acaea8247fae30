/**
 * One DynamoDB Local for the whole run (it takes ~6 s to start); each integration test file makes its own
 * table in it, so files stay independent and can run in parallel.
 */
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal, type RunningDynamo } from '../../local/dynamodb.js';

let dynamo: RunningDynamo | undefined;

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

export async function setup(project: TestProject) {
  dynamo = await startDynamoDbLocal(); // in memory
  project.provide('dynamoEndpoint', dynamo.endpoint);
}

export async function teardown() {
  await dynamo?.stop();
}

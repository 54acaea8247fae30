/** Starts DynamoDB Local, prints its endpoint, then dies of an uncaught error (test/integration/shared/dynamodb-local.test.ts). */
import { startDynamoDbLocal } from '../../local/dynamodb.js';

const { endpoint } = await startDynamoDbLocal();
console.log(`endpoint ${endpoint}`);
setTimeout(() => {
  throw new Error('crash on purpose');
}, 10);

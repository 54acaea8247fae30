/** Budgets in the tenant's budget partition; announcing a threshold is a conditional list append. */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../store/keys.js';
import { documentClient, isConditionalCheckFailed, tableName } from '../dynamo/client.js';
import { budgetScopeKey, type Budget, type BudgetStore } from '../../domain/finance/ports.js';

const toBudget = (item: Record<string, unknown>): Budget => item.data as Budget;

export const dynamoBudgetStore: BudgetStore = {
  async list(tenantId) {
    const { Items } = await documentClient().send(
      new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.budgetPartition(tenantId) } }),
    );
    return (Items ?? []).map(toBudget);
  },
  async get(tenantId, scopeKey) {
    const { Item } = await documentClient().send(new GetCommand({ TableName: tableName(), Key: keys.budget(tenantId, scopeKey), ConsistentRead: true }));
    return Item ? toBudget(Item) : undefined;
  },
  async put(budget) {
    await documentClient().send(new PutCommand({ TableName: tableName(), Item: { ...keys.budget(budget.tenantId, budgetScopeKey(budget)), entity: 'Budget', data: budget } }));
  },
  async markAnnounced(tenantId, scopeKey, period, threshold) {
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.budget(tenantId, scopeKey),
          UpdateExpression: 'SET #data.#announced.#period = list_append(if_not_exists(#data.#announced.#period, :empty), :t)',
          ConditionExpression: 'attribute_exists(pk) AND NOT contains(#data.#announced.#period, :v)',
          ExpressionAttributeNames: { '#data': 'data', '#announced': 'announced', '#period': period },
          ExpressionAttributeValues: { ':empty': [], ':t': [threshold], ':v': threshold },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  },
};

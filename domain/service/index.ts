/** What other contexts may use of the service context. */
export { BusinessCalendar, addBusinessMs, businessMsBetween } from './calendar.js';
export { slaState, type SlaEvent, type SlaPolicy, type SlaState, type Priority } from './sla.js';
export type { Ticket, Queue, Agent } from './model.js';
export { decidePriority, PRIORITY_RULE } from './priority.js';

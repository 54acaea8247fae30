import { describe, it, expect } from 'vitest';
import {
  assertValidEventPattern,
  compileEventPattern,
  InvalidEventPatternError,
  matchesEventPattern,
  type EventPattern,
} from '../../../local/event-pattern.js';

/** [case name, pattern, event, expected] */
type Case = [string, EventPattern, unknown, boolean];

function check(cases: Case[]): void {
  it.each(cases)('%s', (_name, pattern, event, expected) => {
    expect(matchesEventPattern(pattern, event)).toBe(expected);
  });
}

const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

// Amazon EventBridge User Guide: "Amazon EventBridge event patterns" / "Event pattern syntax"
describe('event patterns: structure, exact values, nesting', () => {
  const terminated = {
    source: ['aws.ec2'],
    'detail-type': ['EC2 Instance State-change Notification'],
    detail: { state: ['terminated'] },
  };
  const macieEvent = {
    source: 'aws.macie',
    'detail-type': 'Macie Alert',
    detail: { 'risk-score': 80, tags: ['Custom_Alert', 'Insider'], trigger: { 'alert-type': 'basic', risk: 8 } },
  };
  const macie = { source: ['aws.macie'], 'detail-type': ['Macie Alert'], detail: { 'risk-score': [80], trigger: { risk: [8] } } };
  check([
    ['EC2 termination pattern matches the EC2 example event', terminated, ec2Event, true],
    ['fields absent from the pattern are ignored', { source: ['aws.ec2'] }, ec2Event, true],
    ['a different state does not match', terminated, { ...ec2Event, detail: { state: 'running' } }, false],
    ['every pattern field must be present', terminated, { source: 'aws.ec2', 'detail-type': ec2Event['detail-type'] }, false],
    ['the nesting must be the same', { state: ['terminated'] }, ec2Event, false],
    ['a value list is an OR (aws.fargate)', { source: ['aws.ec2', 'aws.fargate'] }, { source: 'aws.fargate' }, true],
    ['a value list is an OR (no member equal)', { source: ['aws.ec2', 'aws.fargate'] }, { source: 'aws.s3' }, false],
    ['strings match exactly, without case folding', { source: ['AWS.EC2'] }, ec2Event, false],
    ['Macie example: risk-score 80 and trigger.risk 8', macie, macieEvent, true],
    ['Macie example: another trigger.risk does not match', macie, { ...macieEvent, detail: { ...macieEvent.detail, trigger: { risk: 7 } } }, false],
    ['numbers compare numerically: 300 matches 3.0e2', { n: [300] }, JSON.parse('{"n": 3.0e2}'), true],
    ['numbers compare numerically: 300 does not match 301', { n: [300] }, { n: 301 }, false],
    ['a number never matches the same digits as a string', { n: [300] }, { n: '300' }, false],
    ['a string never matches the same digits as a number', { n: ['300'] }, { n: 300 }, false],
    ['true matches the JSON literal true', { ok: [true] }, { ok: true }, true],
    ['true does not match the string "true"', { ok: [true] }, { ok: 'true' }, false],
    ['false does not match a missing field', { ok: [false] }, {}, false],
    ['a nested pattern does not match a scalar in the event', { detail: { state: ['x'] } }, { detail: 'x' }, false],
    ['a leaf pattern does not match an object in the event', { detail: ['x'] }, { detail: { state: 'x' } }, false],
    ['the event is taken in its JSON form (Date becomes an ISO string)', { time: [{ prefix: '2017-10-02' }] }, { time: new Date('2017-10-02T18:43:48Z') }, true],
  ]);

  it('an event that is not a JSON object never matches', () => {
    const pattern = { source: [{ exists: false }] };
    expect(matchesEventPattern(pattern, {})).toBe(true);
    expect(matchesEventPattern(pattern, null)).toBe(false);
    expect(matchesEventPattern(pattern, [{}])).toBe(false);
    expect(matchesEventPattern(pattern, '{}')).toBe(false);
  });

  it('compileEventPattern returns a reusable matcher', () => {
    const matcher = compileEventPattern(terminated);
    expect(matcher(ec2Event)).toBe(true);
    expect(matcher({ ...ec2Event, source: 'aws.s3' })).toBe(false);
  });
});

// Amazon EventBridge User Guide: "Matching null values and empty strings in Amazon EventBridge event patterns"
describe('null values and empty strings', () => {
  const event = {
    version: '0',
    'detail-type': 'EC2 Instance Launch Successful',
    source: 'aws.autoscaling',
    resources: [],
    detail: { eventVersion: '', responseElements: null },
  };
  check([
    ['[""] matches an empty string', { detail: { eventVersion: [''] } }, event, true],
    ['[null] matches a null value', { detail: { responseElements: [null] } }, event, true],
    ['[""] does not match null', { detail: { responseElements: [''] } }, event, false],
    ['[null] does not match an empty string', { detail: { eventVersion: [null] } }, event, false],
    ['[null] does not match a missing field', { detail: { other: [null] } }, event, false],
    ['[null] does not match the string "null"', { detail: { responseElements: [null] } }, { detail: { responseElements: 'null' } }, false],
  ]);
});

// Amazon EventBridge User Guide: "Arrays in Amazon EventBridge event patterns"
describe('arrays in events', () => {
  const pattern = {
    resources: [
      'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
    ],
  };
  check([
    [
      'matches when the pattern list and the event array intersect',
      pattern,
      {
        resources: [
          'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        ],
      },
      true,
    ],
    ['does not match a disjoint event array', pattern, { resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f'] }, false],
    ['does not match an empty event array', pattern, { resources: [] }, false],
    ['an operator applies to each element (prefix)', { tags: [{ prefix: 'prod-' }] }, { tags: ['dev-a', 'prod-b'] }, true],
    ['an operator applies to each element (numeric)', { sizes: [{ numeric: ['>', 10] }] }, { sizes: [1, 2, 3] }, false],
    ['nested arrays are flattened', { v: ['x'] }, { v: [['a'], ['b', ['x']]] }, true],
    ['a nested pattern reaches into an array of objects', { items: { sku: ['B'] } }, { items: [{ sku: 'A' }, { sku: 'B' }] }, true],
    ['a nested pattern over an array of objects needs some element to match', { items: { sku: ['C'] } }, { items: [{ sku: 'A' }, { sku: 'B' }] }, false],
  ]);
});

// aws/event-ruler README "JSON Array Matching" (the engine behind EventBridge): fields matched inside
// array elements must come from the same element ("array-consistent" matching).
describe('array consistency of objects inside arrays', () => {
  const event = {
    employees: [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
      { firstName: 'Peter', lastName: 'Jones' },
    ],
  };
  check([
    ['one field inside an array of objects', { employees: { firstName: ['Anna'] } }, event, true],
    ['two fields from the same element', { employees: { firstName: ['Anna'], lastName: ['Smith'] } }, event, true],
    ['two fields from different elements do not match', { employees: { firstName: ['Anna'], lastName: ['Jones'] } }, event, false],
    [
      'multi-level arrays are crushed out of the pattern',
      { employees: { firstName: ['Peter'] } },
      { employees: [[{ firstName: 'John' }, { firstName: 'Anna' }], [{ firstName: 'Peter' }]] },
      true,
    ],
    [
      'exists:false is judged within the element already matched',
      { a: { c: [2], z: [{ exists: false }] } },
      { a: [{ z: 1 }, { c: 2 }] },
      true,
    ],
    [
      'exists:false on an array of objects: a field in any element counts as present',
      { items: { flag: [{ exists: false }] } },
      { items: [{ flag: true }, { other: 1 }] },
      false,
    ],
  ]);
});

// Amazon EventBridge User Guide: "Content filtering in Amazon EventBridge event patterns" (Prefix matching)
// and "Comparison operators for use in event patterns in Amazon EventBridge" (Begins with, Begins with (ignore case))
describe('prefix', () => {
  check([
    ['time starting with 2017-10-02', { time: [{ prefix: '2017-10-02' }] }, { time: '2017-10-02T18:43:48Z' }, true],
    ['time on another day', { time: [{ prefix: '2017-10-02' }] }, { time: '2017-10-03T18:43:48Z' }, false],
    ['prefix is case sensitive', { Region: [{ prefix: 'us-' }] }, { Region: 'US-EAST-1' }, false],
    ['prefix only matches strings', { n: [{ prefix: '12' }] }, { n: 123 }, false],
    ['prefix ignoring case: EventB matches eventbridge', { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, { detail: { service: 'eventbridge' } }, true],
    ['prefix ignoring case: EventB matches EVENTBRIDGE', { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, { detail: { service: 'EVENTBRIDGE' } }, true],
    ['prefix ignoring case: EventB does not match sns', { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, { detail: { service: 'sns' } }, false],
  ]);
});

// Amazon EventBridge User Guide: "Comparison operators for use in event patterns in Amazon EventBridge"
// (Ends with, Ends with (ignore case))
describe('suffix', () => {
  check([
    ['FileName ending with .png', { FileName: [{ suffix: '.png' }] }, { FileName: 'photo.png' }, true],
    ['FileName ending with .jpg', { FileName: [{ suffix: '.png' }] }, { FileName: 'photo.jpg' }, false],
    ['suffix is case sensitive', { FileName: [{ suffix: '.png' }] }, { FileName: 'PHOTO.PNG' }, false],
    ['suffix only matches strings', { n: [{ suffix: '3' }] }, { n: 123 }, false],
    ['suffix ignoring case: .png matches .PNG', { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, { detail: { FileName: 'PHOTO.PNG' } }, true],
    ['suffix ignoring case: tBridge matches TBRIDGE', { service: [{ suffix: { 'equals-ignore-case': 'tBridge' } }] }, { service: 'EVENTBRIDGE' }, true],
    ['suffix ignoring case: .png does not match .gif', { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, { detail: { FileName: 'a.GIF' } }, false],
  ]);
});

// Amazon EventBridge User Guide: "Comparison operators for use in event patterns in Amazon EventBridge"
// (Equals, Equals (ignore case), Empty)
describe('equals and equals-ignore-case', () => {
  check([
    ['Name is "Alice"', { Name: ['Alice'] }, { Name: 'Alice' }, true],
    ['Name is not "alice" when matching exactly', { Name: ['Alice'] }, { Name: 'alice' }, false],
    ['equals-ignore-case: alice matches Alice', { Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'Alice' }, true],
    ['equals-ignore-case: alice matches ALICE', { Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'ALICE' }, true],
    ['equals-ignore-case: alice does not match Alicia', { Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'Alicia' }, false],
    ['equals-ignore-case handles non-ASCII letters', { city: [{ 'equals-ignore-case': 'ÉCOLE' }] }, { city: 'école' }, true],
    ['equals-ignore-case only matches strings', { v: [{ 'equals-ignore-case': 'true' }] }, { v: true }, false],
    ['Empty: LastName is ""', { LastName: [''] }, { LastName: '' }, true],
    ['Empty: a non-empty LastName does not match', { LastName: [''] }, { LastName: 'Doe' }, false],
  ]);
});

// Amazon EventBridge User Guide: "Content filtering in Amazon EventBridge event patterns" (Anything-but matching)
// and "Comparison operators for use in event patterns in Amazon EventBridge" (Anything-but rows, Not)
describe('anything-but', () => {
  check([
    ['string: running is not initializing', { detail: { state: [{ 'anything-but': 'initializing' }] } }, { detail: { state: 'running' } }, true],
    ['string: initializing is rejected', { detail: { state: [{ 'anything-but': 'initializing' }] } }, { detail: { state: 'initializing' } }, false],
    ['number: 124 is not 123', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, { detail: { 'x-limit': 124 } }, true],
    ['number: 123 is rejected', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, { detail: { 'x-limit': 123 } }, false],
    ['number: rejected numerically (1.23e2)', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, JSON.parse('{"detail": {"x-limit": 1.23e2}}'), false],
    ['string list: running passes', { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, { detail: { state: 'running' } }, true],
    ['string list: overloaded is rejected', { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, { detail: { state: 'overloaded' } }, false],
    ['number list: 150 passes', { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, { detail: { 'x-limit': 150 } }, true],
    ['number list: 200 is rejected', { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, { detail: { 'x-limit': 200 } }, false],
    ['Not: Weather is anything but Raining (Sunny)', { Weather: [{ 'anything-but': ['Raining'] }] }, { Weather: 'Sunny' }, true],
    ['Not: Raining is rejected', { Weather: [{ 'anything-but': ['Raining'] }] }, { Weather: 'Raining' }, false],
    ['never matches a missing field', { detail: { state: [{ 'anything-but': 'initializing' }] } }, { detail: {} }, false],
    ['a null value is not the excluded string', { state: [{ 'anything-but': 'initializing' }] }, { state: null }, true],
    ['a string list does not reject a number', { v: [{ 'anything-but': ['100'] }] }, { v: 100 }, true],
    ['a number list does not reject a string', { v: [{ 'anything-but': [100] }] }, { v: '100' }, true],
    ['an event array matches if any element is not excluded', { state: [{ 'anything-but': 'stopped' }] }, { state: ['stopped', 'running'] }, true],
    ['an event array of only excluded values does not match', { state: [{ 'anything-but': 'stopped' }] }, { state: ['stopped', 'stopped'] }, false],
    ['prefix: state without the init prefix', { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, { detail: { state: 'running' } }, true],
    ['prefix: initializing is rejected', { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, { detail: { state: 'initializing' } }, false],
    ['prefix: Region not in the US (eu-west-1)', { Region: [{ 'anything-but': { prefix: 'us-' } }] }, { Region: 'eu-west-1' }, true],
    ['prefix: us-east-1 is rejected', { Region: [{ 'anything-but': { prefix: 'us-' } }] }, { Region: 'us-east-1' }, false],
    ['prefix: a number passes (prefixes only exclude strings)', { Region: [{ 'anything-but': { prefix: '1' } }] }, { Region: 123 }, true],
    ['suffix: FileName not ending in .png (a.txt)', { FileName: [{ 'anything-but': { suffix: '.png' } }] }, { FileName: 'a.txt' }, true],
    ['suffix: a.png is rejected', { FileName: [{ 'anything-but': { suffix: '.png' } }] }, { FileName: 'a.png' }, false],
    ['ignore case: INITIALIZING is rejected', { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] }, { state: 'INITIALIZING' }, false],
    ['ignore case: running passes', { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] }, { state: 'running' }, true],
    ['ignore case list: Stopped is rejected', { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] }, { state: 'Stopped' }, false],
    ['wildcard: a path without /lib/ passes', { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, { FilePath: '/usr/bin/tool' }, true],
    ['wildcard: a path with /lib/ is rejected', { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, { FilePath: '/usr/lib/tool' }, false],
  ]);
});

// Amazon EventBridge User Guide: "Content filtering in Amazon EventBridge event patterns" (Numeric matching)
// and "Comparison operators for use in event patterns in Amazon EventBridge" (Numeric (equals), Numeric (range))
describe('numeric', () => {
  const docPattern = {
    detail: {
      'c-count': [{ numeric: ['>', 0, '<=', 5] }],
      'd-count': [{ numeric: ['<', 10] }],
      'x-limit': [{ numeric: ['=', 3.018e2] }],
    },
  };
  check([
    ['doc example: all three fields in range', docPattern, { detail: { 'c-count': 5, 'd-count': 3, 'x-limit': 301.8 } }, true],
    ['doc example: c-count 0 is not > 0', docPattern, { detail: { 'c-count': 0, 'd-count': 3, 'x-limit': 301.8 } }, false],
    ['doc example: d-count 10 is not < 10', docPattern, { detail: { 'c-count': 1, 'd-count': 10, 'x-limit': 301.8 } }, false],
    ['doc example: x-limit 301.9 is not = 3.018e2', docPattern, { detail: { 'c-count': 1, 'd-count': 3, 'x-limit': 301.9 } }, false],
    ['Price is 100', { Price: [{ numeric: ['=', 100] }] }, { Price: 100 }, true],
    ['Price 100.5 is not 100', { Price: [{ numeric: ['=', 100] }] }, { Price: 100.5 }, false],
    ['Price in (10, 20]: 20 matches', { Price: [{ numeric: ['>', 10, '<=', 20] }] }, { Price: 20 }, true],
    ['Price in (10, 20]: 10 does not match', { Price: [{ numeric: ['>', 10, '<=', 20] }] }, { Price: 10 }, false],
    ['>= includes the bound', { n: [{ numeric: ['>=', 10] }] }, { n: 10 }, true],
    ['< excludes the bound', { n: [{ numeric: ['<', 10] }] }, { n: 10 }, false],
    ['negative numbers and decimals', { n: [{ numeric: ['>=', -1.5, '<', 0] }] }, { n: -1.5 }, true],
    ['numeric only matches numbers, not numeric strings', { n: [{ numeric: ['>', 0] }] }, { n: '5' }, false],
    ['numeric does not match null', { n: [{ numeric: ['<', 10] }] }, { n: null }, false],
    ['numbers beyond 5e9 are outside numeric matching', { n: [{ numeric: ['>', 0] }] }, { n: 6e9 }, false],
    ['5e9 itself is inside numeric matching', { n: [{ numeric: ['>', 0] }] }, { n: 5e9 }, true],
  ]);
});

// Amazon EventBridge User Guide: "Content filtering in Amazon EventBridge event patterns" (IP address matching)
describe('cidr and IP addresses', () => {
  const pattern = { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } };
  check([
    ['10.0.0.0/24 contains 10.0.0.0', pattern, { detail: { sourceIPAddress: '10.0.0.0' } }, true],
    ['10.0.0.0/24 contains 10.0.0.255', pattern, { detail: { sourceIPAddress: '10.0.0.255' } }, true],
    ['10.0.0.0/24 does not contain 10.0.1.0', pattern, { detail: { sourceIPAddress: '10.0.1.0' } }, false],
    ['a non-address string does not match', pattern, { detail: { sourceIPAddress: 'example.com' } }, false],
    ['an IPv4 CIDR does not match an IPv6 address', pattern, { detail: { sourceIPAddress: '::a00:1' } }, false],
    ['IPv6: 2001:db8::/32 contains 2001:db8:ffff::1', { ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db8:ffff::1' }, true],
    ['IPv6: 2001:db8::/32 does not contain 2001:db9::1', { ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db9::1' }, false],
    ['a non-canonical base address is masked (10.0.0.7/24 covers 10.0.0.1)', { ip: [{ cidr: '10.0.0.7/24' }] }, { ip: '10.0.0.1' }, true],
    ['an exact IPv6 address compares addresses', { ip: ['::1'] }, { ip: '0:0:0:0:0:0:0:1' }, true],
    ['an exact IPv4 address does not match another address', { ip: ['10.0.0.1'] }, { ip: '10.0.0.2' }, false],
  ]);
});

// Amazon EventBridge User Guide: "Content filtering in Amazon EventBridge event patterns" (Exists matching)
// and "Comparison operators for use in event patterns in Amazon EventBridge" (Exists, Does not exist)
describe('exists', () => {
  const absent = { detail: { 'c-count': [{ exists: false }] } };
  const present = { detail: { state: [{ exists: true }] } };
  check([
    ['exists:false matches an event without detail.c-count', absent, { 'detail-type': 'x', detail: { state: 'initializing' } }, true],
    ['exists:false matches when c-count is not a leaf', absent, { detail: { state: 'running', 'c-count': { c1: 100 } } }, true],
    ['exists:false does not match when c-count is present', absent, { detail: { 'c-count': 3 } }, false],
    ['exists:false matches when the parent object is missing', absent, { source: 'x' }, true],
    ['exists:true matches an event with detail.state', present, { detail: { 'instance-id': 'i-abcd1111', state: 'pending' } }, true],
    ['exists:true does not match without detail.state', present, { detail: { 'c-count': { c1: 100 } } }, false],
    ['exists:true does not match an intermediate (object) node', { detail: { 'c-count': [{ exists: true }] } }, { detail: { 'c-count': { c1: 100 } } }, false],
    ['exists:true matches a null value (the field is present)', { ProductName: [{ exists: true }] }, { ProductName: null }, true],
    ['exists:true matches an empty string', { ProductName: [{ exists: true }] }, { ProductName: '' }, true],
    ['exists:true does not match an empty array (no value)', { ProductName: [{ exists: true }] }, { ProductName: [] }, false],
    ['exists:false matches an empty array (no value)', { ProductName: [{ exists: false }] }, { ProductName: [] }, true],
    ['exists:false combined with a value: absent', { state: [{ exists: false }, 'running'] }, {}, true],
    ['exists:false combined with a value: the value', { state: [{ exists: false }, 'running'] }, { state: 'running' }, true],
    ['exists:false combined with a value: another value', { state: [{ exists: false }, 'running'] }, { state: 'stopped' }, false],
  ]);
});

// Amazon EventBridge User Guide: "Comparison operators for use in event patterns in Amazon EventBridge"
// (Wildcard, Anything-but using a wildcard) and AWS Compute Blog "Filtering events in Amazon EventBridge
// with wildcard pattern matching"
describe('wildcard', () => {
  check([
    ['dir/*.png matches dir/image.png', { FileName: [{ wildcard: 'dir/*.png' }] }, { FileName: 'dir/image.png' }, true],
    ['dir/*.png matches across slashes', { FileName: [{ wildcard: 'dir/*.png' }] }, { FileName: 'dir/a/b.png' }, true],
    ['dir/*.png does not match other/image.png', { FileName: [{ wildcard: 'dir/*.png' }] }, { FileName: 'other/image.png' }, false],
    ['* matches zero characters', { key: [{ wildcard: '*.png' }] }, { key: '.png' }, true],
    ['*Title* matches a value containing Title', { key: [{ wildcard: '*Title*' }] }, { key: 'MyTitleCard' }, true],
    ['*Title* does not match a value without it', { key: [{ wildcard: '*Title*' }] }, { key: 'MyTitlCard' }, false],
    ['several wildcards must match in order', { key: [{ wildcard: 'a*b*c' }] }, { key: 'axxbyyc' }, true],
    ['several wildcards in the wrong order do not match', { key: [{ wildcard: 'a*b*c' }] }, { key: 'acb' }, false],
    ['without a wildcard the whole value must match', { key: [{ wildcard: 'exact' }] }, { key: 'exactly' }, false],
    ['\\* matches a literal asterisk', { key: [{ wildcard: 'a\\*b' }] }, { key: 'a*b' }, true],
    ['\\* does not act as a wildcard', { key: [{ wildcard: 'a\\*b' }] }, { key: 'axxb' }, false],
    ['\\\\ matches a literal backslash', { key: [{ wildcard: 'a\\\\*' }] }, { key: 'a\\tail' }, true],
    ['wildcard is case sensitive', { key: [{ wildcard: '*.png' }] }, { key: 'A.PNG' }, false],
    ['wildcard only matches strings', { key: [{ wildcard: '*' }] }, { key: 5 }, false],
    ['a lone * matches any string, including empty', { key: [{ wildcard: '*' }] }, { key: '' }, true],
  ]);
});

// Amazon EventBridge User Guide: "Comparison operators for use in event patterns in Amazon EventBridge" (Or)
// and "Content filtering in Amazon EventBridge event patterns" ($or matching examples)
describe('$or', () => {
  const locationOrDay = { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] };
  const cloudwatch = {
    source: ['aws.cloudwatch'],
    $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
  };
  const nested = {
    source: ['aws.cloudwatch'],
    $or: [
      { metricName: ['CPUUtilization', 'ReadLatency'] },
      { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
      { scope: ['Service'] },
    ],
  };
  const inDetail = {
    detail: {
      $or: [
        { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
        { 'd-count': [{ numeric: ['<', 10] }] },
        { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
      ],
    },
  };
  check([
    ['PaymentType is Credit or Debit (Debit)', { PaymentType: ['Credit', 'Debit'] }, { PaymentType: 'Debit' }, true],
    ['PaymentType is Credit or Debit (Cash)', { PaymentType: ['Credit', 'Debit'] }, { PaymentType: 'Cash' }, false],
    ['Location New York or Day Monday: only Location', locationOrDay, { Location: 'New York', Day: 'Friday' }, true],
    ['Location New York or Day Monday: only Day', locationOrDay, { Location: 'Paris', Day: 'Monday' }, true],
    ['Location New York or Day Monday: neither', locationOrDay, { Location: 'Paris', Day: 'Friday' }, false],
    ['source AND (metricName OR namespace): namespace branch', cloudwatch, { source: 'aws.cloudwatch', namespace: 'AWS/ES' }, true],
    ['source AND (metricName OR namespace): source must still match', cloudwatch, { source: 'aws.ec2', namespace: 'AWS/ES' }, false],
    ['source AND (metricName OR namespace): no branch matches', cloudwatch, { source: 'aws.cloudwatch', namespace: 'AWS/S3' }, false],
    ['nested $or: inner branch spaceId', nested, { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000 }, true],
    ['nested $or: inner $or unmet', nested, { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1 }, false],
    ['nested $or: scope branch', nested, { source: 'aws.cloudwatch', scope: 'Service' }, true],
    ['$or inside detail: d-count branch', inDetail, { detail: { 'c-count': 0, 'd-count': 3 } }, true],
    ['$or inside detail: no branch', inDetail, { detail: { 'c-count': 0, 'd-count': 30, 'x-limit': 1 } }, false],
    [
      'parallel $or at two levels are ANDed',
      { $or: [{ a: ['1'] }, { b: ['1'] }], detail: { $or: [{ c: ['1'] }, { d: ['1'] }] } },
      { b: '1', detail: { c: '2' } },
      false,
    ],
  ]);
});

// Amazon EventBridge User Guide: "Content filtering in Amazon EventBridge event patterns" (Complex example)
describe('complex example with multiple matching', () => {
  const pattern = {
    time: [{ prefix: '2017-10-02' }],
    detail: {
      state: [{ 'anything-but': 'initializing' }],
      'c-count': [{ numeric: ['>', 0, '<=', 5] }],
      'd-count': [{ numeric: ['<', 10] }],
      'x-limit': [{ 'anything-but': [100, 200, 300] }],
      'source-ip': [{ cidr: '10.0.0.0/8' }],
    },
  };
  const event = {
    time: '2017-10-02T16:24:49Z',
    detail: { 'c-count': 5, 'd-count': 3, 'x-limit': 301.8, 'source-ip': '10.0.0.33', 'instance-id': 'i-000000aaaaaa00000', state: 'running' },
  };
  check([
    ['the example event matches', pattern, event, true],
    ['x-limit 300 is excluded', pattern, { ...event, detail: { ...event.detail, 'x-limit': 300 } }, false],
    ['a source IP outside 10.0.0.0/8 fails', pattern, { ...event, detail: { ...event.detail, 'source-ip': '11.0.0.1' } }, false],
    ['state initializing fails', pattern, { ...event, detail: { ...event.detail, state: 'initializing' } }, false],
  ]);
});

// Invalid patterns: what the EventBridge rule compiler (aws/event-ruler JsonRuleCompiler) rejects, and the
// syntax rules stated in the User Guide pages above.
describe('assertValidEventPattern', () => {
  const invalid: [string, unknown, RegExp][] = [
    ['a pattern that is not an object', ['aws.ec2'], /must be a JSON object/],
    ['an empty pattern', {}, /empty objects/],
    ['a leaf that is a string, not an array', { source: 'aws.ec2' }, /object or an array/],
    ['a leaf that is a number', { detail: { count: 5 } }, /"detail\.count".*object or an array/],
    ['an empty value array', { source: [] }, /empty arrays/],
    ['an empty nested object', { detail: {} }, /"detail".*empty objects/],
    ['a nested array as a match value', { source: [['aws.ec2']] }, /match value/],
    ['an unknown operator', { source: [{ contains: 'ec2' }] }, /unrecognized match type "contains"/],
    ['an operator object with two keys', { source: [{ prefix: 'a', suffix: 'b' }] }, /exactly one key/],
    ['an empty operator object', { source: [{}] }, /must not be empty/],
    ['a non-string prefix', { source: [{ prefix: 5 }] }, /"prefix" must be a string/],
    ['prefix with an unsupported inner operator', { source: [{ prefix: { wildcard: 'a*' } }] }, /only "equals-ignore-case"/],
    ['a non-string suffix', { source: [{ suffix: null }] }, /"suffix" must be a string/],
    ['a non-string equals-ignore-case', { source: [{ 'equals-ignore-case': ['a'] }] }, /must be a string/],
    ['numeric that is not an array', { n: [{ numeric: 5 }] }, /must be an array/],
    ['numeric with an unknown operator', { n: [{ numeric: ['!=', 5] }] }, /unrecognized "numeric" operator/],
    ['numeric with a string value', { n: [{ numeric: ['>', '5'] }] }, /must be a number/],
    ['numeric with no value', { n: [{ numeric: ['>'] }] }, /needs a value/],
    ['numeric range with lower >= upper', { n: [{ numeric: ['>', 5, '<', 5] }] }, /lower bound must be less than the upper bound/],
    ['numeric range upper bound first', { n: [{ numeric: ['<', 5, '>', 0] }] }, /too many elements/],
    ['numeric range with a second lower bound', { n: [{ numeric: ['>', 0, '>=', 5] }] }, /second "numeric" operator/],
    ['numeric = with extra terms', { n: [{ numeric: ['=', 1, '<', 5] }] }, /too many elements/],
    ['numeric range with too many terms', { n: [{ numeric: ['>', 0, '<', 5, '<', 6] }] }, /too many elements/],
    ['numeric beyond 5e9', { n: [{ numeric: ['<', 6e9] }] }, /outside the supported range/],
    ['numeric with more than six decimals', { n: [{ numeric: ['=', 0.1234567] }] }, /more than 6 decimal places/],
    ['exists with a non-boolean', { n: [{ exists: 'true' }] }, /"exists" must be true or false/],
    ['anything-but with a mixed list', { n: [{ 'anything-but': ['a', 1] }] }, /"anything-but" takes/],
    ['anything-but with an empty list', { n: [{ 'anything-but': [] }] }, /must not be an empty list/],
    ['anything-but null', { n: [{ 'anything-but': null }] }, /"anything-but" takes/],
    ['anything-but boolean', { n: [{ 'anything-but': true }] }, /"anything-but" takes/],
    ['anything-but with an unknown operator', { n: [{ 'anything-but': { numeric: ['>', 1] } }] }, /unsupported "anything-but" operator/],
    ['anything-but prefix with an empty string', { n: [{ 'anything-but': { prefix: '' } }] }, /does not allow an empty string/],
    ['anything-but prefix with a number', { n: [{ 'anything-but': { prefix: 1 } }] }, /must be a string/],
    ['anything-but wildcard with consecutive stars', { n: [{ 'anything-but': { wildcard: 'a**' } }] }, /consecutive wildcard/],
    ['wildcard with consecutive stars', { n: [{ wildcard: 'a**b' }] }, /consecutive wildcard/],
    ['wildcard with an invalid escape', { n: [{ wildcard: 'a\\b' }] }, /invalid escape/],
    ['cidr without a mask', { ip: [{ cidr: '10.0.0.0' }] }, /one "\/" required/],
    ['cidr with a non-integer mask', { ip: [{ cidr: '10.0.0.0/x' }] }, /mask bits must be an integer/],
    ['cidr with an IPv4 /32 mask', { ip: [{ cidr: '10.0.0.1/32' }] }, /IPv4 mask bits must be < 32/],
    ['cidr with an IPv6 /128 mask', { ip: [{ cidr: '2001:db8::1/128' }] }, /IPv6 mask bits must be < 128/],
    ['cidr with an invalid address', { ip: [{ cidr: '10.0.0.256/24' }] }, /invalid IP address/],
    ['$or that is not an array', { $or: { a: ['1'] } }, /"\$or" must be an array/],
    ['$or with one object', { $or: [{ a: ['1'] }] }, /at least two objects/],
    ['$or with a non-object element', { $or: [{ a: ['1'] }, 'b'] }, /only objects are allowed/],
    ['$or with an empty object', { $or: [{ a: ['1'] }, {}] }, /empty objects/],
    ['a reserved word as a field name inside $or', { $or: [{ numeric: [1] }, { prefix: ['a'] }] }, /reserved word/],
    ['a reserved word nested inside a $or branch', { $or: [{ a: { exists: ['x'] } }, { b: ['1'] }] }, /reserved word/],
    ['the same field inside and outside $or', { a: ['1'], $or: [{ a: ['2'] }, { b: ['3'] }] }, /more than once/],
  ];
  it.each(invalid)('rejects %s', (_name, pattern, message) => {
    expect(() => assertValidEventPattern(pattern as EventPattern)).toThrow(InvalidEventPatternError);
    expect(() => assertValidEventPattern(pattern as EventPattern)).toThrow(message);
  });

  it('matchesEventPattern also rejects an invalid pattern', () => {
    expect(() => matchesEventPattern({ source: 'aws.ec2' }, { source: 'aws.ec2' })).toThrow(InvalidEventPatternError);
  });

  const valid: [string, EventPattern][] = [
    ['the EC2 termination example', { source: ['aws.ec2'], detail: { state: ['terminated'] } }],
    ['null and empty-string values', { detail: { responseElements: [null], eventVersion: [''] } }],
    ['every operator at once', {
      a: [{ prefix: 'x' }, { prefix: { 'equals-ignore-case': 'x' } }, { suffix: 'y' }, { suffix: { 'equals-ignore-case': 'y' } }],
      b: [{ 'equals-ignore-case': 'z' }, { wildcard: 'a*b\\*c\\\\' }, { exists: true }, { cidr: '2001:db8::/32' }],
      c: [{ numeric: ['>=', -5e9, '<=', 5e9] }, { numeric: ['=', 0.000001] }, { 'anything-but': 'q' }, { 'anything-but': [1, 2] }],
      d: [{ 'anything-but': { prefix: ['p', 'q'] } }, { 'anything-but': { suffix: 's' } }, { 'anything-but': { 'equals-ignore-case': ['e'] } }, { 'anything-but': { wildcard: '*w' } }],
    }],
    ['operator names as ordinary field names outside $or', { detail: { prefix: ['a'], numeric: [1] } }],
    ['nested $or', { $or: [{ a: ['1'] }, { b: ['2'], $or: [{ c: ['3'] }, { d: ['4'] }] }] }],
    ['exact numbers beyond the numeric range (account ids)', { account: [123456789012] }],
  ];
  it.each(valid)('accepts %s', (_name, pattern) => {
    expect(() => assertValidEventPattern(pattern)).not.toThrow();
  });
});

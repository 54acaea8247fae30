/**
 * Amazon EventBridge event-pattern matching, for the in-process local event bus. The bus must
 * route with exactly the patterns the CDK stack deploys, so this follows EventBridge's documented
 * behaviour and, where the User Guide is silent, the open-source matching engine EventBridge is
 * built on (aws/event-ruler): its rule compiler for what is a valid pattern, its matcher for
 * what matches.
 *
 * Pattern shape
 *  - A pattern is a non-empty JSON object. Each key names an event field; its value is either a
 *    nested object (same nesting as the event) or a non-empty array of match values (a "leaf").
 *  - Fields are ANDed; the values in a leaf array are ORed.
 *  - A leaf value is a string, number, true, false, null (exact match), or a one-key operator
 *    object: prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, exists, cidr.
 *  - `$or` (an array of at least two objects, at any level) ORs sub-patterns; inside `$or`
 *    branches the operator names may not be used as field names.
 *
 * Event side
 *  - The event is taken as its JSON form (JSON.stringify/parse round trip: Dates become strings,
 *    undefined members disappear), then flattened into leaf fields. Arrays are flattened too: a
 *    leaf matches if any element matches. Objects inside arrays are matched array-consistently:
 *    two pattern fields can only be satisfied by fields of the same array element.
 *  - Only leaves (strings, numbers, booleans, null) are values. An object or an empty array is
 *    not a value, so `exists` sees such a field as absent.
 *
 * Value semantics
 *  - Strings, numbers, booleans and null are distinct types: "5" never matches 5, "" never
 *    matches null, "true" never matches true.
 *  - Numbers in exact matches and in `numeric`/`anything-but` lists compare numerically
 *    (300 matches 3.0e2). Numeric operators only see numbers in [-5e9, 5e9]; a number outside
 *    that range is not numeric to them (so it fails `numeric` and passes a numeric
 *    `anything-but`).
 *  - prefix, suffix, equals-ignore-case and wildcard only match strings. Their anything-but forms
 *    only reject strings: any non-string value (number, boolean, null) passes them, as it passes
 *    a string `anything-but`. A numeric `anything-but` only rejects numbers. `anything-but`
 *    never matches a missing field.
 *  - `exists: true` matches any leaf value, null included; `exists: false` matches when no leaf
 *    value is present at that path.
 *  - cidr and exact IP-address strings compare addresses (IPv4 and IPv6), so "::1" matches
 *    "0:0:0:0:0:0:0:1".
 */

export type EventPattern = Record<string, unknown>;

/** Thrown by assertValidEventPattern / matchesEventPattern for a pattern EventBridge would reject. */
export class InvalidEventPatternError extends Error {
  override name = 'InvalidEventPatternError';
}

// ---------------------------------------------------------------------------------------------
// Limits and reserved words (as the EventBridge matching engine)
// ---------------------------------------------------------------------------------------------

/** Numeric matching covers -5e9..5e9 inclusive, to six decimal places. */
const NUMERIC_LIMIT = 5e9;
const NUMERIC_MAX_DECIMALS = 6;

const OR_KEY = '$or';

/** Names that cannot be used as field names inside `$or` branches. */
const RESERVED_IN_OR = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  'html',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

// ---------------------------------------------------------------------------------------------
// Compiled form
// ---------------------------------------------------------------------------------------------

type Scalar = string | number | boolean | null;

interface IpRange {
  /** 4 or 16 bytes, inclusive bounds. */
  readonly low: Uint8Array;
  readonly high: Uint8Array;
}

interface NumericBound {
  readonly value: number;
  readonly inclusive: boolean;
}

/** A glob with `*` wildcards: literal segments between the wildcards. */
interface Glob {
  readonly segments: readonly string[];
}

type Matcher =
  | { readonly kind: 'string'; readonly value: string; readonly ip: IpRange | undefined }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'literal'; readonly value: boolean | null }
  | { readonly kind: 'prefix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'suffix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'equals-ignore-case'; readonly value: string }
  | { readonly kind: 'wildcard'; readonly glob: Glob }
  | { readonly kind: 'numeric'; readonly low: NumericBound; readonly high: NumericBound }
  | { readonly kind: 'cidr'; readonly range: IpRange }
  | { readonly kind: 'exists'; readonly present: boolean }
  | { readonly kind: 'anything-but-string'; readonly values: ReadonlySet<string> }
  | { readonly kind: 'anything-but-number'; readonly values: readonly number[] }
  | { readonly kind: 'anything-but-prefix'; readonly values: readonly string[] }
  | { readonly kind: 'anything-but-suffix'; readonly values: readonly string[] }
  | { readonly kind: 'anything-but-ignore-case'; readonly values: readonly string[] }
  | { readonly kind: 'anything-but-wildcard'; readonly globs: readonly Glob[] };

interface Leaf {
  /** Path segments from the event root. */
  readonly path: readonly string[];
  /** Dot-joined path: the order in which fields are matched (as the engine sorts rule keys). */
  readonly dotted: string;
  readonly matchers: readonly Matcher[];
}

/** One AND-branch of the pattern after `$or` expansion, keyed by pathKey(). */
type Branch = Map<string, Leaf>;

/** A compiled pattern: it matches when any branch matches. */
interface CompiledPattern {
  readonly branches: readonly (readonly Leaf[])[];
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/** Throws InvalidEventPatternError, with the offending path, if EventBridge would reject the pattern. */
export function assertValidEventPattern(pattern: EventPattern): void {
  compilePattern(pattern);
}

/**
 * Whether `event` matches `pattern`, as EventBridge decides it. Throws InvalidEventPatternError for
 * an invalid pattern. An event that is not a JSON object never matches.
 */
export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  return compileEventPattern(pattern)(event);
}

/** Validates and compiles a pattern once, for matching many events. */
export function compileEventPattern(pattern: EventPattern): (event: unknown) => boolean {
  const compiled = compilePattern(pattern);
  return (event: unknown) => matchCompiled(compiled, event);
}

// ---------------------------------------------------------------------------------------------
// Pattern compilation and validation
// ---------------------------------------------------------------------------------------------

function fail(path: readonly string[], message: string): never {
  const where = path.length === 0 ? 'pattern root' : `"${path.join('.')}"`;
  throw new InvalidEventPatternError(`Invalid event pattern at ${where}: ${message}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

function pathKey(path: readonly string[]): string {
  return JSON.stringify(path);
}

function compilePattern(pattern: unknown): CompiledPattern {
  if (!isPlainObject(pattern)) fail([], `the pattern must be a JSON object, got ${describeValue(pattern)}`);
  const branches = compileObject(pattern, [], false);
  return {
    branches: branches.map((branch) =>
      [...branch.values()].sort((a, b) => (a.dotted < b.dotted ? -1 : a.dotted > b.dotted ? 1 : 0)),
    ),
  };
}

/** AND of two sets of alternatives: every pairing, merged. A path may appear only once per branch. */
function crossProduct(left: readonly Branch[], right: readonly Branch[], path: readonly string[]): Branch[] {
  const out: Branch[] = [];
  for (const l of left) {
    for (const r of right) {
      const merged: Branch = new Map(l);
      for (const [key, leaf] of r) {
        if (merged.has(key)) {
          fail(leaf.path, 'the same field is matched more than once in one branch (for example outside and inside "$or")');
        }
        merged.set(key, leaf);
      }
      out.push(merged);
    }
  }
  if (out.length === 0) fail(path, 'internal error: empty branch set');
  return out;
}

function compileObject(obj: Record<string, unknown>, path: readonly string[], insideOr: boolean): Branch[] {
  const keys = Object.keys(obj);
  if (keys.length === 0) fail(path, 'empty objects are not allowed');
  let branches: Branch[] = [new Map()];
  for (const key of keys) {
    const value = obj[key];
    if (key === OR_KEY) {
      branches = crossProduct(branches, compileOr(value, path), path);
      continue;
    }
    const childPath = [...path, key];
    if (insideOr && RESERVED_IN_OR.has(key)) {
      fail(childPath, `"${key}" is a reserved word and cannot be used as a field name inside "$or"`);
    }
    if (Array.isArray(value)) {
      const leaf: Leaf = { path: childPath, dotted: childPath.join('.'), matchers: compileLeaf(value, childPath) };
      branches = crossProduct(branches, [new Map([[pathKey(childPath), leaf]])], childPath);
    } else if (isPlainObject(value)) {
      branches = crossProduct(branches, compileObject(value, childPath, insideOr), childPath);
    } else {
      fail(childPath, `a field must be an object or an array of match values, got ${describeValue(value)}`);
    }
  }
  return branches;
}

function compileOr(value: unknown, path: readonly string[]): Branch[] {
  const orPath = [...path, OR_KEY];
  if (!Array.isArray(value)) fail(orPath, `"$or" must be an array of objects, got ${describeValue(value)}`);
  if (value.length < 2) fail(orPath, '"$or" needs at least two objects');
  const alternatives: Branch[] = [];
  value.forEach((element, index) => {
    if (!isPlainObject(element)) {
      fail([...orPath, String(index)], `only objects are allowed in "$or", got ${describeValue(element)}`);
    }
    alternatives.push(...compileObject(element, path, true));
  });
  return alternatives;
}

function compileLeaf(values: readonly unknown[], path: readonly string[]): Matcher[] {
  if (values.length === 0) fail(path, 'empty arrays are not allowed');
  return values.map((value) => compileMatchValue(value, path));
}

function compileMatchValue(value: unknown, path: readonly string[]): Matcher {
  if (typeof value === 'string') return { kind: 'string', value, ip: ipToRange(value) };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(path, `${String(value)} is not a JSON number`);
    return { kind: 'number', value };
  }
  if (typeof value === 'boolean' || value === null) return { kind: 'literal', value };
  if (isPlainObject(value)) return compileOperator(value, path);
  fail(path, `a match value must be a string, number, true, false, null or an operator object, got ${describeValue(value)}`);
}

function singleEntry(obj: Record<string, unknown>, path: readonly string[], what: string): [string, unknown] {
  const entries = Object.entries(obj);
  const first = entries[0];
  if (first === undefined) fail(path, `${what} must not be empty`);
  if (entries.length > 1) {
    fail(path, `${what} must have exactly one key, got ${entries.map(([k]) => JSON.stringify(k)).join(', ')}`);
  }
  return first;
}

function expectString(value: unknown, path: readonly string[], what: string): string {
  if (typeof value !== 'string') fail(path, `${what} must be a string, got ${describeValue(value)}`);
  return value;
}

function compileOperator(obj: Record<string, unknown>, path: readonly string[]): Matcher {
  const [op, arg] = singleEntry(obj, path, 'an operator object');
  switch (op) {
    case 'prefix':
    case 'suffix': {
      if (isPlainObject(arg)) {
        const [inner, innerArg] = singleEntry(arg, path, `the "${op}" object`);
        if (inner !== 'equals-ignore-case') fail(path, `unsupported "${op}" operator "${inner}" (only "equals-ignore-case")`);
        return { kind: op, value: expectString(innerArg, path, `"${op}": { "equals-ignore-case" }`), ignoreCase: true };
      }
      return { kind: op, value: expectString(arg, path, `"${op}"`), ignoreCase: false };
    }
    case 'equals-ignore-case':
      return { kind: 'equals-ignore-case', value: expectString(arg, path, '"equals-ignore-case"') };
    case 'wildcard':
      return { kind: 'wildcard', glob: parseWildcard(expectString(arg, path, '"wildcard"'), path) };
    case 'numeric':
      return compileNumeric(arg, path);
    case 'exists':
      if (typeof arg !== 'boolean') fail(path, `"exists" must be true or false, got ${describeValue(arg)}`);
      return { kind: 'exists', present: arg };
    case 'cidr':
      return { kind: 'cidr', range: parseCidr(expectString(arg, path, '"cidr"'), path) };
    case 'anything-but':
      return compileAnythingBut(arg, path);
    default:
      fail(path, `unrecognized match type ${JSON.stringify(op)}`);
  }
}

function compileAnythingBut(arg: unknown, path: readonly string[]): Matcher {
  if (isPlainObject(arg)) {
    const [op, inner] = singleEntry(arg, path, 'the "anything-but" object');
    if (op !== 'prefix' && op !== 'suffix' && op !== 'equals-ignore-case' && op !== 'wildcard') {
      fail(path, `unsupported "anything-but" operator ${JSON.stringify(op)} (use prefix, suffix, equals-ignore-case or wildcard)`);
    }
    const list = Array.isArray(inner) ? inner : [inner];
    if (list.length === 0) fail(path, `"anything-but": { "${op}" } must not be an empty list`);
    const strings = list.map((v) => expectString(v, path, `"anything-but": { "${op}" } value`));
    if ((op === 'prefix' || op === 'suffix') && strings.some((s) => s === '')) {
      fail(path, `"anything-but": { "${op}" } does not allow an empty string`);
    }
    switch (op) {
      case 'prefix':
        return { kind: 'anything-but-prefix', values: strings };
      case 'suffix':
        return { kind: 'anything-but-suffix', values: strings };
      case 'equals-ignore-case':
        return { kind: 'anything-but-ignore-case', values: strings };
      case 'wildcard':
        return { kind: 'anything-but-wildcard', globs: strings.map((s) => parseWildcard(s, path)) };
    }
  }
  const list = Array.isArray(arg) ? arg : [arg];
  if (list.length === 0) fail(path, '"anything-but" must not be an empty list');
  if (list.every((v) => typeof v === 'string')) {
    return { kind: 'anything-but-string', values: new Set(list as string[]) };
  }
  if (list.every((v) => typeof v === 'number')) {
    const numbers = list as number[];
    for (const n of numbers) checkNumericOperand(n, path, '"anything-but"');
    return { kind: 'anything-but-number', values: numbers };
  }
  fail(
    path,
    `"anything-but" takes a string, a number, a list of only strings or only numbers, or a prefix/suffix/equals-ignore-case/wildcard object, got ${describeValue(arg)}${Array.isArray(arg) ? ' with mixed or unsupported values' : ''}`,
  );
}

function decimalPlaces(n: number): number {
  const m = /^-?\d+(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(n));
  if (!m) return Number.POSITIVE_INFINITY;
  const fraction = m[1]?.length ?? 0;
  const exponent = m[2] === undefined ? 0 : Number(m[2]);
  return Math.max(0, fraction - exponent);
}

function checkNumericOperand(n: unknown, path: readonly string[], what: string): number {
  if (typeof n !== 'number' || !Number.isFinite(n)) fail(path, `${what} value must be a number, got ${describeValue(n)}`);
  if (n < -NUMERIC_LIMIT || n > NUMERIC_LIMIT) {
    fail(path, `${what} value ${n} is outside the supported range -5e9..5e9`);
  }
  if (decimalPlaces(n) > NUMERIC_MAX_DECIMALS) {
    fail(path, `${what} value ${n} has more than ${NUMERIC_MAX_DECIMALS} decimal places`);
  }
  return n;
}

function compileNumeric(arg: unknown, path: readonly string[]): Matcher {
  if (!Array.isArray(arg)) fail(path, `"numeric" must be an array, got ${describeValue(arg)}`);
  const [op, first, op2, second, ...rest] = arg as unknown[];
  const lowest: NumericBound = { value: -NUMERIC_LIMIT, inclusive: true };
  const highest: NumericBound = { value: NUMERIC_LIMIT, inclusive: true };
  const operand = (v: unknown, o: string) => checkNumericOperand(v, path, `"numeric" "${o}"`);
  const noMore = (count: number) => {
    if (arg.length > count) fail(path, `too many elements in "numeric" ${JSON.stringify(arg)}`);
  };
  if (typeof op !== 'string') fail(path, `"numeric" must start with an operator (=, <, <=, >, >=), got ${describeValue(op)}`);
  if (arg.length < 2) fail(path, `"numeric" operator "${op}" needs a value`);
  switch (op) {
    case '=': {
      noMore(2);
      const v = operand(first, op);
      return { kind: 'numeric', low: { value: v, inclusive: true }, high: { value: v, inclusive: true } };
    }
    case '<':
    case '<=': {
      noMore(2);
      const v = operand(first, op);
      if (v <= lowest.value) fail(path, `"numeric" range is empty: ${JSON.stringify(arg)}`);
      return { kind: 'numeric', low: lowest, high: { value: v, inclusive: op === '<=' } };
    }
    case '>':
    case '>=': {
      const low: NumericBound = { value: operand(first, op), inclusive: op === '>=' };
      if (arg.length === 2) {
        if (low.value >= highest.value) fail(path, `"numeric" range is empty: ${JSON.stringify(arg)}`);
        return { kind: 'numeric', low, high: highest };
      }
      if (op2 !== '<' && op2 !== '<=') {
        fail(path, `the second "numeric" operator must be "<" or "<=" (lower bound first), got ${describeValue(op2)}`);
      }
      if (arg.length < 4) fail(path, `"numeric" operator "${op2}" needs a value`);
      if (rest.length > 0) fail(path, `too many elements in "numeric" ${JSON.stringify(arg)}`);
      const high: NumericBound = { value: operand(second, op2), inclusive: op2 === '<=' };
      if (low.value >= high.value) {
        fail(path, `"numeric" lower bound must be less than the upper bound: ${JSON.stringify(arg)}`);
      }
      return { kind: 'numeric', low, high };
    }
    default:
      fail(path, `unrecognized "numeric" operator ${JSON.stringify(op)} (use =, <, <=, >, >=)`);
  }
}

/** Wildcard syntax: `*` matches any run of characters; `\*` is a literal `*`, `\\` a literal `\`. */
function parseWildcard(source: string, path: readonly string[]): Glob {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '*') {
      if (source[i + 1] === '*') fail(path, `consecutive wildcard characters in ${JSON.stringify(source)}`);
      segments.push(current);
      current = '';
    } else if (c === '\\') {
      const next = source[i + 1];
      if (next !== '*' && next !== '\\') {
        fail(path, `invalid escape in wildcard ${JSON.stringify(source)} (only \\* and \\\\ are allowed)`);
      }
      current += next;
      i++;
    } else {
      current += c;
    }
  }
  segments.push(current);
  return { segments };
}

// ---------------------------------------------------------------------------------------------
// IP addresses
// ---------------------------------------------------------------------------------------------

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

function parseIp(text: string): Uint8Array | undefined {
  if (IPV4_SHAPE.test(text)) {
    const parts = text.split('.').map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return Uint8Array.from(parts);
  }
  if (!IPV6_SHAPE.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;
  const count = head.length + tail.length;
  if (halves.length === 2 ? count > 7 : count !== 8) return undefined;
  const all = [...head, ...new Array<number>(8 - count).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

function ipToRange(text: string): IpRange | undefined {
  const ip = parseIp(text);
  return ip === undefined ? undefined : { low: ip, high: ip };
}

function parseCidr(text: string, path: readonly string[]): IpRange {
  const parts = text.split('/');
  if (parts.length !== 2 || parts[1] === '') fail(path, `malformed CIDR ${JSON.stringify(text)}, one "/" required`);
  const [address = '', bitsText = ''] = parts;
  if (!/^[+-]?\d+$/.test(bitsText)) fail(path, `malformed CIDR ${JSON.stringify(text)}, mask bits must be an integer`);
  const bits = Number(bitsText);
  if (bits < 0) fail(path, `malformed CIDR ${JSON.stringify(text)}, mask bits must not be negative`);
  const ip = parseIp(address);
  if (ip === undefined) fail(path, `invalid IP address in CIDR ${JSON.stringify(text)}`);
  const totalBits = ip.length * 8;
  if (bits >= totalBits) {
    fail(path, `${ip.length === 4 ? 'IPv4' : 'IPv6'} mask bits must be < ${totalBits} in ${JSON.stringify(text)}`);
  }
  const low = new Uint8Array(ip.length);
  const high = new Uint8Array(ip.length);
  for (let i = 0; i < ip.length; i++) {
    const fixed = Math.max(0, Math.min(8, bits - i * 8)); // leading bits of this byte that are fixed
    const hostMask = 0xff >> fixed;
    const byte = ip[i] ?? 0;
    low[i] = byte & ~hostMask & 0xff;
    high[i] = byte | hostMask;
  }
  return { low, high };
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function ipInRange(value: string, range: IpRange): boolean {
  const ip = parseIp(value);
  if (ip === undefined || ip.length !== range.low.length) return false;
  return compareBytes(ip, range.low) >= 0 && compareBytes(ip, range.high) <= 0;
}

// ---------------------------------------------------------------------------------------------
// String helpers
// ---------------------------------------------------------------------------------------------

function globMatches(glob: Glob, value: string): boolean {
  const { segments } = glob;
  const first = segments[0] ?? '';
  if (segments.length === 1) return value === first;
  const last = segments[segments.length - 1] ?? '';
  if (value.length < first.length + last.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  let pos = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < segments.length - 1; i++) {
    const seg = segments[i] ?? '';
    const at = value.indexOf(seg, pos);
    if (at < 0 || at + seg.length > end) return false;
    pos = at + seg.length;
  }
  return true;
}

/**
 * Case-insensitive comparison as the engine does it: each character of the pattern may appear in
 * the value in its lower-case or its upper-case form.
 */
function caseAlternatives(pattern: string): string[][] {
  return Array.from(pattern, (c) => {
    const lower = c.toLowerCase();
    const upper = c.toUpperCase();
    return lower === upper ? [lower] : [lower, upper];
  });
}

/** Every end index of `value` reachable by matching all of `alts` from `start`. */
function caseMatchEnds(alts: readonly (readonly string[])[], value: string, start: number): Set<number> {
  let positions = new Set([start]);
  for (const options of alts) {
    const next = new Set<number>();
    for (const p of positions) {
      for (const o of options) if (value.startsWith(o, p)) next.add(p + o.length);
    }
    if (next.size === 0) return next;
    positions = next;
  }
  return positions;
}

function equalsIgnoreCase(pattern: string, value: string): boolean {
  return caseMatchEnds(caseAlternatives(pattern), value, 0).has(value.length);
}

function startsWithIgnoreCase(value: string, prefix: string): boolean {
  return caseMatchEnds(caseAlternatives(prefix), value, 0).size > 0;
}

function endsWithIgnoreCase(value: string, suffix: string): boolean {
  const alts = caseAlternatives(suffix);
  for (let start = value.length; start >= 0; start--) {
    if (caseMatchEnds(alts, value, start).has(value.length)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Event flattening and matching
// ---------------------------------------------------------------------------------------------

/** Which element of which array (by array id) a field sits in. */
type Membership = ReadonlyMap<number, number>;

interface Field {
  readonly value: Scalar;
  readonly membership: Membership;
}

function flattenEvent(event: Record<string, unknown>): Map<string, Field[]> {
  const fields = new Map<string, Field[]>();
  let arrayCount = 0;
  const add = (path: readonly string[], value: Scalar, membership: Membership) => {
    const key = pathKey(path);
    const list = fields.get(key);
    const field: Field = { value, membership };
    if (list) list.push(field);
    else fields.set(key, [field]);
  };
  const visit = (value: unknown, path: readonly string[], membership: Membership): void => {
    if (Array.isArray(value)) {
      const arrayId = arrayCount++;
      value.forEach((element, index) => {
        if (typeof element === 'object' && element !== null) {
          const inner = new Map(membership);
          inner.set(arrayId, index);
          visit(element, path, inner);
        } else {
          visit(element, path, membership);
        }
      });
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) visit(child, [...path, key], membership);
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) {
      add(path, value, membership);
    }
  };
  visit(event, [], new Map());
  return fields;
}

/** Merged membership, or undefined when the field sits in a different element of an array already used. */
function consistent(soFar: Membership, field: Membership): Membership | undefined {
  if (field.size === 0) return soFar;
  if (soFar.size === 0) return field;
  let merged: Map<number, number> | undefined;
  for (const [array, index] of field) {
    const seen = soFar.get(array);
    if (seen === undefined) {
      merged ??= new Map(soFar);
      merged.set(array, index);
    } else if (seen !== index) {
      return undefined;
    }
  }
  return merged ?? soFar;
}

function isNumeric(value: Scalar): value is number {
  return typeof value === 'number' && value >= -NUMERIC_LIMIT && value <= NUMERIC_LIMIT;
}

function inBounds(n: number, low: NumericBound, high: NumericBound): boolean {
  const aboveLow = low.inclusive ? n >= low.value : n > low.value;
  const belowHigh = high.inclusive ? n <= high.value : n < high.value;
  return aboveLow && belowHigh;
}

/** Whether a present leaf value satisfies a matcher (exists:false never does). */
function valueMatches(m: Matcher, v: Scalar): boolean {
  switch (m.kind) {
    case 'string':
      if (typeof v !== 'string') return false;
      return m.ip === undefined ? v === m.value : ipInRange(v, m.ip);
    case 'number':
      return typeof v === 'number' && v === m.value;
    case 'literal':
      return v === m.value;
    case 'prefix':
      return typeof v === 'string' && (m.ignoreCase ? startsWithIgnoreCase(v, m.value) : v.startsWith(m.value));
    case 'suffix':
      return typeof v === 'string' && (m.ignoreCase ? endsWithIgnoreCase(v, m.value) : v.endsWith(m.value));
    case 'equals-ignore-case':
      return typeof v === 'string' && equalsIgnoreCase(m.value, v);
    case 'wildcard':
      return typeof v === 'string' && globMatches(m.glob, v);
    case 'numeric':
      return isNumeric(v) && inBounds(v, m.low, m.high);
    case 'cidr':
      return typeof v === 'string' && ipInRange(v, m.range);
    case 'exists':
      return m.present;
    case 'anything-but-string':
      return !(typeof v === 'string' && m.values.has(v));
    case 'anything-but-number':
      return !(isNumeric(v) && m.values.includes(v));
    case 'anything-but-prefix':
      return !(typeof v === 'string' && m.values.some((p) => v.startsWith(p)));
    case 'anything-but-suffix':
      return !(typeof v === 'string' && m.values.some((s) => v.endsWith(s)));
    case 'anything-but-ignore-case':
      return !(typeof v === 'string' && m.values.some((s) => equalsIgnoreCase(s, v)));
    case 'anything-but-wildcard':
      return !(typeof v === 'string' && m.globs.some((g) => globMatches(g, v)));
  }
}

/**
 * Depth-first search over the branch's fields in order, carrying the array membership of the
 * event fields chosen so far, so that all chosen fields are array-consistent. An `exists: false`
 * field is satisfied when no array-consistent field exists at its path.
 */
function matchBranch(leaves: readonly Leaf[], fields: Map<string, Field[]>, index: number, soFar: Membership): boolean {
  const leaf = leaves[index];
  if (leaf === undefined) return true;
  const candidates = fields.get(pathKey(leaf.path)) ?? [];
  let anyConsistent = false;
  for (const field of candidates) {
    const membership = consistent(soFar, field.membership);
    if (membership === undefined) continue;
    anyConsistent = true;
    if (leaf.matchers.some((m) => valueMatches(m, field.value)) && matchBranch(leaves, fields, index + 1, membership)) {
      return true;
    }
  }
  if (!anyConsistent && leaf.matchers.some((m) => m.kind === 'exists' && !m.present)) {
    return matchBranch(leaves, fields, index + 1, soFar);
  }
  return false;
}

function matchCompiled(compiled: CompiledPattern, event: unknown): boolean {
  let json: unknown;
  try {
    const text = JSON.stringify(event);
    if (text === undefined) return false;
    json = JSON.parse(text);
  } catch {
    return false;
  }
  if (!isPlainObject(json)) return false;
  const fields = flattenEvent(json);
  return compiled.branches.some((leaves) => matchBranch(leaves, fields, 0, new Map()));
}

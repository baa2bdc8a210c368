/**
 * The rules of an ECS capacity provider strategy (a service's, or a cluster's default), shared by
 * the modules (internal: not a module of its own).
 * @module
 */
import { Token } from "cdktf";
import type { Fail } from "./validation";

/** One entry of a capacity provider strategy. */
export interface CapacityStrategyEntry {
  readonly capacityProvider: string;
  readonly weight?: number;
  readonly base?: number;
}

/** An entry with its defaults applied (weight 1, base 0). */
export interface ResolvedCapacityStrategyEntry {
  readonly capacityProvider: string;
  readonly weight: number;
  readonly base: number;
}

const literal = (value: unknown): boolean => !Token.isUnresolved(value);

function checkInteger(fail: Fail, field: string, value: number, min: number, max: number, fix: string): void {
  if (!literal(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(field, value, `be an integer from ${min} to ${max}`, fix);
  }
}

/**
 * Validates a strategy as ECS does: 1 to 20 entries, weight 0 to 1000 (default 1), base 0 to
 * 100000 (default 0) on one entry at most, at least one weight above 0, each provider once.
 * `field` names the prop in errors; `emptyFix` is the fix for a wrong entry count.
 */
export function resolveCapacityStrategy(
  fail: Fail,
  field: string,
  items: readonly CapacityStrategyEntry[],
  emptyFix: string,
): ResolvedCapacityStrategyEntry[] {
  if (!Array.isArray(items) || items.length < 1 || items.length > 20) {
    fail(field, items, "have 1 to 20 entries", emptyFix);
  }
  const names = new Set<string>();
  let withBase = 0;
  let anyWeight = false;
  const resolved = items.map((item) => {
    const weight = item.weight ?? 1;
    const base = item.base ?? 0;
    checkInteger(fail, `${field}.weight`, weight, 0, 1000, "e.g. 1");
    checkInteger(fail, `${field}.base`, base, 0, 100_000, "e.g. 0");
    if (names.has(item.capacityProvider)) {
      fail(field, item.capacityProvider, "name each capacity provider once", "merge the entries");
    }
    names.add(item.capacityProvider);
    if (!literal(base) || base > 0) withBase++;
    if (!literal(weight) || weight > 0) anyWeight = true;
    return { capacityProvider: item.capacityProvider, weight, base };
  });
  if (withBase > 1) fail(field, items, "set base on one entry at most", "keep one base");
  if (!anyWeight) fail(field, items, "give at least one entry a weight above 0", "e.g. weight: 1");
  return resolved;
}

// No Docker engine runs here: this checks docker-compose.yml against the configuration the engine knows.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { knownVariables } from '../../lib/env.js';
import { repoRoot } from '../../lib/paths.js';

/** Just enough YAML for our compose file: the environment maps of services that run our image. */
function chainServiceEnv(yaml: string): Map<string, Set<string>> {
  const lines = yaml.split('\n');
  const anchors = new Map<string, Set<string>>();
  const services = new Map<string, Set<string>>();
  let anchor: string | undefined;
  let service: string | undefined;
  let inServices = false;
  let inEnv = false;
  const builds = new Set<string>();
  for (const raw of lines) {
    const line = raw.replace(/\s+#.*$/, '');
    if (!line.trim()) continue;
    const indent = line.length - line.trimStart().length;
    const anchorMatch = /^x-[\w-]+:\s*&([\w-]+)/.exec(line);
    if (anchorMatch) {
      anchor = anchorMatch[1];
      anchors.set(anchor!, new Set());
      inServices = false;
      continue;
    }
    if (indent === 0) {
      anchor = undefined;
      inServices = line.startsWith('services:');
      continue;
    }
    if (anchor && indent === 2) {
      anchors.get(anchor)!.add(line.trim().split(':')[0]!);
      continue;
    }
    if (inServices && indent === 2) {
      service = line.trim().replace(/:$/, '');
      services.set(service, new Set());
      inEnv = false;
      continue;
    }
    if (inServices && service && indent === 4) {
      inEnv = line.trim().startsWith('environment:');
      if (line.trim().startsWith('build:')) builds.add(service);
      const ref = /environment:\s*\*([\w-]+)/.exec(line);
      if (ref) for (const v of anchors.get(ref[1]!) ?? []) services.get(service)!.add(v);
      continue;
    }
    if (inServices && service && inEnv && indent === 6) {
      const merge = /<<:\s*\*([\w-]+)/.exec(line);
      if (merge) for (const v of anchors.get(merge[1]!) ?? []) services.get(service)!.add(v);
      else services.get(service)!.add(line.trim().split(':')[0]!);
    }
  }
  return new Map([...services].filter(([name]) => builds.has(name)));
}

describe('docker-compose.yml', () => {
  const yaml = readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8');
  const services = chainServiceEnv(yaml);

  it('runs the worker (replicated), the API and the migration from our image', () => {
    expect([...services.keys()].sort()).toEqual(['api', 'migrate', 'worker']);
    expect(yaml).toMatch(/worker:[\s\S]*?replicas:\s*2/);
  });

  it('sets only variables the configuration knows', () => {
    const known = new Set(knownVariables());
    for (const [name, vars] of services) {
      expect(vars.size, name).toBeGreaterThan(3);
      for (const v of vars) expect(known.has(v), `${name} sets unknown ${v}`).toBe(true);
    }
  });

  it('points every process at PostgreSQL and the Temporal server', () => {
    for (const [name, vars] of services) {
      expect(vars.has('DATABASE_URL'), name).toBe(true);
      expect(vars.has('TEMPORAL_ADDRESS'), name).toBe(true);
    }
  });
});

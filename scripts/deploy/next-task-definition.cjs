#!/usr/bin/env node
// The next revision of a task definition for an image deploy owned by CI
// (.github/workflows/deploy-image.yml): `node scripts/deploy/next-task-definition.cjs current.json IMAGE`
// reads `aws ecs describe-task-definition --query taskDefinition` output, sets every container's
// image to IMAGE, drops what DescribeTaskDefinition returns but RegisterTaskDefinition does not take,
// and prints the input of `aws ecs register-task-definition --cli-input-json`. Plain Node, no
// dependencies: the workflow runs it without `npm ci`.
"use strict";
const fs = require("node:fs");

/** Fields DescribeTaskDefinition returns that RegisterTaskDefinition rejects. */
const READ_ONLY_FIELDS = [
  "taskDefinitionArn",
  "revision",
  "status",
  "requiresAttributes",
  "compatibilities",
  "registeredAt",
  "registeredBy",
  "deregisteredAt",
];

/**
 * @param {Record<string, unknown>} current a task definition as DescribeTaskDefinition returns it
 * @param {string} image the image every container runs next
 * @returns {Record<string, unknown>} the RegisterTaskDefinition input
 */
function nextTaskDefinition(current, image) {
  if (!image || /\s/.test(image))
    throw new Error(`image (${JSON.stringify(image)}) must be an image reference`);
  const containers = current.containerDefinitions;
  if (!Array.isArray(containers) || containers.length === 0) {
    throw new Error("the task definition has no containerDefinitions: pass `--query taskDefinition` output");
  }
  const next = { ...current, containerDefinitions: containers.map((c) => ({ ...c, image })) };
  for (const field of READ_ONLY_FIELDS) delete next[field];
  return next;
}

module.exports = { nextTaskDefinition, READ_ONLY_FIELDS };

if (require.main === module) {
  const [file, image] = process.argv.slice(2);
  if (!file || !image) {
    process.stderr.write("usage: next-task-definition.cjs <describe-task-definition.json> <image>\n");
    process.exit(2);
  }
  try {
    const current = JSON.parse(fs.readFileSync(file, "utf8"));
    process.stdout.write(`${JSON.stringify(nextTaskDefinition(current, image), null, 2)}\n`);
  } catch (e) {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}

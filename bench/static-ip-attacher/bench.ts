/**
 * Benchmark of the static-IP attacher against a fresh local AWS (moto server). Prints numbers only,
 * never asserts:
 *   happy-path  the ENI is free; the handler attaches it to a new instance
 *   failover    the ENI is on a terminated instance; the handler moves it to the new instance
 * For each: AWS calls the handler made (median), and the median handler latency in ms with its real
 * waits (the 1 s pause before the first ENI poll dominates) and with its sleeps skipped (the AWS
 * round trips alone). moto attaches instantly, so real EC2 adds its own attach time on top.
 * Usage: npx tsx bench/static-ip-attacher/bench.ts [--runs N]   (needs ECS_CDKTF_VENV, see test/support/moto.ts)
 */
import { DetachNetworkInterfaceCommand, DescribeNetworkInterfacesCommand } from "@aws-sdk/client-ec2";
import { createHandler, HandlerResult } from "../../src/static-ip-attacher/handler";
import { startLocalAws } from "../../test/support/moto";
import {
  createStaticIpWorld,
  launchEdgeInstance,
  launchEventFor,
  LOCAL_AZ,
  RecordingAutoScaling,
  RecordingEc2,
  StaticIpWorld,
  terminate,
} from "../../test/src/static-ip-attacher/local-world";

const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 10;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

async function ownerOf(world: StaticIpWorld): Promise<{ instanceId?: string; attachmentId?: string }> {
  const out = await world.ec2.send(
    new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [world.eniId] }),
  );
  const a = out.NetworkInterfaces?.[0]?.Attachment;
  return { instanceId: a?.InstanceId, attachmentId: a?.AttachmentId };
}

async function handle(
  world: StaticIpWorld,
  instanceId: string,
  skipWaits: boolean,
): Promise<[number, number]> {
  const run = createHandler({
    ec2: new RecordingEc2(world.ec2),
    autoscaling: new RecordingAutoScaling(world.autoscaling),
    config: { eniByAz: new Map([[LOCAL_AZ, world.eniId]]), deviceIndex: 1, heartbeatTimeoutSeconds: 300 },
    writeLog: () => undefined,
    ...(skipWaits ? { sleep: async () => undefined } : {}),
  });
  const event = launchEventFor(instanceId);
  const start = process.hrtime.bigint();
  const result: HandlerResult = await run(event);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== "handled" || result.result !== "CONTINUE") {
    throw new Error(`bench run did not CONTINUE: ${JSON.stringify(result)}`);
  }
  return [ms, result.awsCalls];
}

/** The ENI free, a new instance launched. */
async function happySetup(world: StaticIpWorld): Promise<string> {
  const { attachmentId } = await ownerOf(world);
  if (attachmentId !== undefined) {
    await world.ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: attachmentId, Force: true }));
  }
  return launchEdgeInstance(world);
}

/** The ENI on an instance that has just been terminated, a replacement launched. */
async function failoverSetup(world: StaticIpWorld): Promise<string> {
  const { instanceId } = await ownerOf(world);
  const owner = instanceId ?? (await launchEdgeInstance(world));
  if (instanceId === undefined) await handle(world, owner, true);
  await terminate(world, owner);
  return launchEdgeInstance(world);
}

async function main(): Promise<void> {
  const aws = await startLocalAws();
  try {
    const world = await createStaticIpWorld(aws);
    console.log(`runs ${RUNS}`);
    for (const [name, setup] of [
      ["happy-path", happySetup],
      ["failover", failoverSetup],
    ] as const) {
      const withWaits: number[] = [];
      const withoutWaits: number[] = [];
      const calls: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        for (const skipWaits of [false, true]) {
          const [ms, n] = await handle(world, await setup(world), skipWaits);
          (skipWaits ? withoutWaits : withWaits).push(ms);
          calls.push(n);
        }
      }
      console.log(
        `${name} calls ${median(calls)} median-ms ${median(withWaits).toFixed(1)} ` +
          `median-ms-without-waits ${median(withoutWaits).toFixed(1)}`,
      );
    }
    world.ec2.destroy();
    world.autoscaling.destroy();
  } finally {
    await aws.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

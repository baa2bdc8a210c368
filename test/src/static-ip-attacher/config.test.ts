import {
  DEFAULT_DEVICE_INDEX,
  loadConfig,
  MAX_HEARTBEAT_TIMEOUT_SECONDS,
  MIN_HEARTBEAT_TIMEOUT_SECONDS,
} from "../../../src/static-ip-attacher/config";

const ENI_BY_AZ = JSON.stringify({
  "eu-west-2a": "eni-0aaaaaaaaaaaaaaaa",
  "eu-west-2b": "eni-0bbbbbbbbbbbbbbbb",
});
const VALID = { ENI_BY_AZ, HEARTBEAT_TIMEOUT_SECONDS: "120" };

describe("loadConfig", () => {
  test("GIVEN the required variables THEN the map, the heartbeat and device index 1 by default", () => {
    const config = loadConfig(VALID);

    expect([...config.eniByAz]).toEqual([
      ["eu-west-2a", "eni-0aaaaaaaaaaaaaaaa"],
      ["eu-west-2b", "eni-0bbbbbbbbbbbbbbbb"],
    ]);
    expect(config.heartbeatTimeoutSeconds).toBe(120);
    expect(config.deviceIndex).toBe(DEFAULT_DEVICE_INDEX);
    expect(DEFAULT_DEVICE_INDEX).toBe(1);
    expect(config.edgeGroupNames).toEqual([]);
  });

  test("GIVEN EDGE_GROUP_NAMES THEN the reconcile's groups, in order; empty means not configured", () => {
    expect(
      loadConfig({ ...VALID, EDGE_GROUP_NAMES: '["main-edge-eu-west-2a","main-edge-eu-west-2b"]' })
        .edgeGroupNames,
    ).toEqual(["main-edge-eu-west-2a", "main-edge-eu-west-2b"]);
    expect(loadConfig({ ...VALID, EDGE_GROUP_NAMES: " " }).edgeGroupNames).toEqual([]);
  });

  test("GIVEN DEVICE_INDEX THEN it is used; an empty one means the default", () => {
    expect(loadConfig({ ...VALID, DEVICE_INDEX: "2" }).deviceIndex).toBe(2);
    expect(loadConfig({ ...VALID, DEVICE_INDEX: " " }).deviceIndex).toBe(1);
  });

  test("a local zone name is an AZ too", () => {
    const config = loadConfig({
      ...VALID,
      ENI_BY_AZ: JSON.stringify({ "us-west-2-lax-1a": "eni-0aaaaaaaaaaaaaaaa" }),
    });
    expect(config.eniByAz.get("us-west-2-lax-1a")).toBe("eni-0aaaaaaaaaaaaaaaa");
  });

  test("the heartbeat accepts AWS's whole range", () => {
    expect(
      loadConfig({ ...VALID, HEARTBEAT_TIMEOUT_SECONDS: String(MIN_HEARTBEAT_TIMEOUT_SECONDS) }),
    ).toMatchObject({
      heartbeatTimeoutSeconds: 30,
    });
    expect(
      loadConfig({ ...VALID, HEARTBEAT_TIMEOUT_SECONDS: String(MAX_HEARTBEAT_TIMEOUT_SECONDS) }),
    ).toMatchObject({
      heartbeatTimeoutSeconds: 7200,
    });
  });

  test.each([
    [{ HEARTBEAT_TIMEOUT_SECONDS: "120" }, /ENI_BY_AZ \(undefined\) must be set; set it to a JSON object/],
    [{ ...VALID, ENI_BY_AZ: "eu-west-2a=eni-1" }, /ENI_BY_AZ \("eu-west-2a=eni-1"\) must be valid JSON/],
    [{ ...VALID, ENI_BY_AZ: '["eni-0aaaaaaaaaaaaaaaa"]' }, /ENI_BY_AZ .* must be a JSON object/],
    [{ ...VALID, ENI_BY_AZ: "{}" }, /ENI_BY_AZ \("\{\}"\) must name at least one AZ/],
    [
      { ...VALID, ENI_BY_AZ: '{"eu-west-2":"eni-0aaaaaaaaaaaaaaaa"}' },
      /ENI_BY_AZ key \("eu-west-2"\) must be an AZ name/,
    ],
    [
      { ...VALID, ENI_BY_AZ: '{"eu-west-2a":"eni-xyz"}' },
      /ENI_BY_AZ\["eu-west-2a"\] \("eni-xyz"\) must be an ENI id/,
    ],
    [{ ...VALID, ENI_BY_AZ: '{"eu-west-2a":1}' }, /ENI_BY_AZ\["eu-west-2a"\] \(1\) must be an ENI id/],
    [
      { ...VALID, ENI_BY_AZ: '{"eu-west-2a":"eni-0aaaaaaaaaaaaaaaa","eu-west-2b":"eni-0aaaaaaaaaaaaaaaa"}' },
      /ENI_BY_AZ\["eu-west-2b"\] \("eni-0aaaaaaaaaaaaaaaa"\) must differ from ENI_BY_AZ\["eu-west-2a"\]; an ENI lives in exactly one AZ/,
    ],
    [
      { ...VALID, DEVICE_INDEX: "0" },
      /DEVICE_INDEX \("0"\) must be an integer from 1 to 15; 0 is the instance's primary/,
    ],
    [{ ...VALID, DEVICE_INDEX: "1.5" }, /DEVICE_INDEX \("1.5"\) must be an integer/],
    [{ ...VALID, DEVICE_INDEX: "16" }, /DEVICE_INDEX \("16"\) must be an integer from 1 to 15/],
    [
      { ENI_BY_AZ },
      /HEARTBEAT_TIMEOUT_SECONDS \(undefined\) must be set; set it to the lifecycle hook's HeartbeatTimeout/,
    ],
    [
      { ...VALID, HEARTBEAT_TIMEOUT_SECONDS: "29" },
      /HEARTBEAT_TIMEOUT_SECONDS \("29"\) must be an integer from 30 to 7200/,
    ],
    [{ ...VALID, HEARTBEAT_TIMEOUT_SECONDS: "7201" }, /must be an integer from 30 to 7200/],
    [{ ...VALID, HEARTBEAT_TIMEOUT_SECONDS: "5m" }, /HEARTBEAT_TIMEOUT_SECONDS \("5m"\) must be an integer/],
    [
      { ...VALID, EDGE_GROUP_NAMES: "main-edge-a" },
      /EDGE_GROUP_NAMES \("main-edge-a"\) must be valid JSON; set it to a JSON array/,
    ],
    [{ ...VALID, EDGE_GROUP_NAMES: "[]" }, /EDGE_GROUP_NAMES \("\[\]"\) must be a non-empty JSON array/],
    [{ ...VALID, EDGE_GROUP_NAMES: '{"a":"b"}' }, /EDGE_GROUP_NAMES .* must be a non-empty JSON array/],
    [
      { ...VALID, EDGE_GROUP_NAMES: '["a:b"]' },
      /EDGE_GROUP_NAMES entry \("a:b"\) must be an Auto Scaling group name/,
    ],
    [
      { ...VALID, EDGE_GROUP_NAMES: "[7]" },
      /EDGE_GROUP_NAMES entry \(7\) must be an Auto Scaling group name/,
    ],
    [
      { ...VALID, EDGE_GROUP_NAMES: '["a","a"]' },
      /EDGE_GROUP_NAMES .* must name each group once \(a is repeated\)/,
    ],
  ])("GIVEN %j THEN it throws %s", (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  test("every error names the module", () => {
    expect(() => loadConfig({})).toThrow(/^static-ip-attacher: /);
  });
});

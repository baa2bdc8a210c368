/**
 * scripts/terraform-modules/zip.ts: the deterministic archive a generated module ships (the
 * static-ip Lambda's bundle). Read back with Python's zipfile, a reader independent of the writer.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { filesUnder, zipDirectory, zipEntries } from "../../scripts/terraform-modules/zip";

interface Entry {
  readonly name: string;
  readonly mode: number;
  readonly date: number[];
  readonly compressed: boolean;
  readonly text: string;
}

function readZip(bytes: Buffer): Entry[] {
  const script = [
    "import io, json, sys, zipfile",
    "z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))",
    "assert z.testzip() is None",
    "print(json.dumps([{'name': i.filename, 'mode': i.external_attr >> 16, 'date': list(i.date_time),",
    "  'compressed': i.compress_type != zipfile.ZIP_STORED, 'text': z.read(i).decode()} for i in z.infolist()]))",
  ].join("\n");
  return JSON.parse(execFileSync("python3", ["-c", script], { input: bytes, encoding: "utf8" })) as Entry[];
}

describe("zipDirectory", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-cdktf-zip-"));
    fs.mkdirSync(path.join(dir, "lib"));
    fs.writeFileSync(path.join(dir, "index.js"), 'exports.handler = async () => "ok";\n');
    fs.writeFileSync(path.join(dir, "lib", "util.js"), "module.exports = 1;\n");
    fs.writeFileSync(path.join(dir, "a.txt"), "é\n");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("GIVEN a directory THEN every file is an entry, sorted, with / separators, its content, mode 0644 and 1980-01-01", () => {
    expect(filesUnder(dir)).toEqual(["a.txt", "index.js", "lib/util.js"]);
    expect(readZip(zipDirectory(dir))).toEqual([
      { name: "a.txt", mode: 0o100644, date: [1980, 1, 1, 0, 0, 0], compressed: false, text: "é\n" },
      {
        name: "index.js",
        mode: 0o100644,
        date: [1980, 1, 1, 0, 0, 0],
        compressed: false,
        text: 'exports.handler = async () => "ok";\n',
      },
      {
        name: "lib/util.js",
        mode: 0o100644,
        date: [1980, 1, 1, 0, 0, 0],
        compressed: false,
        text: "module.exports = 1;\n",
      },
    ]);
  });

  it("GIVEN the same files with other mtimes THEN the bytes are the same; GIVEN other content THEN they differ", () => {
    const first = zipDirectory(dir);
    fs.utimesSync(path.join(dir, "index.js"), new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect(zipDirectory(dir).equals(first)).toBe(true);
    fs.writeFileSync(path.join(dir, "index.js"), "changed\n");
    expect(zipDirectory(dir).equals(first)).toBe(false);
  });

  it("GIVEN entries in any order THEN the archive is the same", () => {
    const a = Buffer.from("a");
    const b = Buffer.from("b");
    expect(zipEntries({ b, a }).equals(zipEntries({ a, b }))).toBe(true);
    expect(readZip(zipEntries({})).length).toBe(0);
  });
});

/**
 * The generated blocks of a README: each sits between
 *
 *     <!-- props:start <Interface> [own] -->
 *     <!-- props:end -->
 *
 * and is rewritten from the interface's TSDoc and types (`own`: only the props declared in the
 * interface itself, not the ones it inherits).
 */

/** One marker pair found in a README. */
export interface PropsBlock {
  /** The interface the block documents. */
  readonly interfaceName: string;
  /** Only the interface's own props. */
  readonly own: boolean;
  /** Offsets of the text between the markers. */
  readonly contentStart: number;
  readonly contentEnd: number;
  /** 1-based line of the start marker, for messages. */
  readonly line: number;
}

const START = /<!--\s*props:start\b([^>]*?)-->/g;
const END = /<!--\s*props:end\s*-->/g;

/** Finds the marker pairs of `text`; `file` names the README in errors. */
export function findPropsBlocks(text: string, file: string): PropsBlock[] {
  const starts = [...text.matchAll(START)];
  const ends = [...text.matchAll(END)];
  const blocks: PropsBlock[] = [];
  const lineOf = (offset: number) => text.slice(0, offset).split("\n").length;
  for (const [i, start] of starts.entries()) {
    const line = lineOf(start.index);
    const args = start[1].trim().split(/\s+/).filter(Boolean);
    const [interfaceName, ...flags] = args;
    if (!interfaceName || !/^[A-Z]\w*$/.test(interfaceName) || flags.some((f) => f !== "own")) {
      throw new Error(
        `${file}:${line}: props marker (${start[0]}) must be "<!-- props:start <Interface> -->" or ` +
          `"<!-- props:start <Interface> own -->"`,
      );
    }
    const contentStart = start.index + start[0].length;
    const end = ends.find((e) => e.index >= contentStart);
    const nextStart = starts[i + 1];
    if (!end || (nextStart && nextStart.index < end.index)) {
      throw new Error(
        `${file}:${line}: props:start ${interfaceName} has no props:end before the next block; add one`,
      );
    }
    blocks.push({ interfaceName, own: flags.includes("own"), contentStart, contentEnd: end.index, line });
  }
  if (ends.length !== starts.length) {
    throw new Error(
      `${file}: ${starts.length} props:start markers but ${ends.length} props:end markers; pair them`,
    );
  }
  return blocks;
}

/** `text` with every block's content replaced by `render(block)`. */
export function replacePropsBlocks(
  text: string,
  blocks: readonly PropsBlock[],
  render: (b: PropsBlock) => string,
): string {
  let out = "";
  let last = 0;
  for (const b of blocks) {
    out += text.slice(last, b.contentStart) + "\n" + render(b) + "\n";
    last = b.contentEnd;
  }
  return out + text.slice(last);
}

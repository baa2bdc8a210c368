/**
 * Reads a module's props interfaces with the TypeScript compiler API: every prop's name, type,
 * optionality, TSDoc text and `@default`. This metadata is the one source the README props tables
 * are generated from, and the one a Terraform variables generator reads too (`kind`,
 * `literalValues` and a resolved `default.value` say what a `variable` block can express).
 */
import * as path from "node:path";
import ts from "typescript";

/** How a prop's value could cross a Terraform module boundary (input for a variables generator). */
export type PropKind =
  | "string"
  | "number"
  | "boolean"
  /** A union of string literals (`"per-az" | "single" | "none"`): a string with a `contains()` validation. */
  | "string-enum"
  | "string-list"
  | "number-list"
  /** `Record<string, string>` (readonly or not): `map(string)`. */
  | "string-map"
  /** A construct instance (`Network`, `EcsCluster`): wired in code, not a plain value. */
  | "construct"
  /** Anything else (object shapes, functions, provider structs): needs a hand-written mapping. */
  | "other";

/** A prop's `@default`. */
export type PropDefault =
  /** `@default <literal>` or `@default <CONSTANT> (<literal>) <note>`: a value the code applies. */
  | {
      readonly kind: "value";
      /** The value, evaluated from the literal or the constant's initializer. */
      readonly value: unknown;
      /** The exported constant it names, if any (e.g. `DEFAULT_VPC_CIDR`). */
      readonly constant?: string;
      /** Text after the value, e.g. `, or minSize when that is larger`. */
      readonly note?: string;
    }
  /** `@default - <text>`: behaviour that no single value describes. */
  | { readonly kind: "description"; readonly text: string };

/** One prop of a props interface. */
export interface PropDoc {
  readonly name: string;
  /** The type as written in the source, e.g. `Readonly<Record<string, string>>` or `NatGateways`. */
  readonly typeText: string;
  /** The values of a string- or number-literal union (through aliases), in declaration order. */
  readonly literalValues?: ReadonlyArray<string | number>;
  readonly kind: PropKind;
  readonly optional: boolean;
  /** TSDoc summary on one line; `{@link X}` becomes `` `X` ``. */
  readonly description: string;
  /** Absent for a required prop. */
  readonly default?: PropDefault;
  /** The interface that declares it (differs from the documented one for inherited props). */
  readonly declaredIn: string;
}

/** A props interface with its props, own first, then inherited ones in `extends` order. */
export interface PropsInterfaceDoc {
  readonly name: string;
  /** Path of the declaring file, relative to the root the program was made with. */
  readonly file: string;
  readonly description: string;
  readonly extends: readonly string[];
  readonly props: readonly PropDoc[];
}

/** One public readonly attribute of a construct class (what a Terraform output can expose). */
export interface AttributeDoc {
  readonly name: string;
  /** The type as written in the source, e.g. `string[]` or `Vpc`. */
  readonly typeText: string;
  readonly kind: PropKind;
  /** Declared with `?` (e.g. present only when an option is on). */
  readonly optional: boolean;
  /** TSDoc summary on one line; `{@link X}` becomes `` `X` ``. */
  readonly description: string;
  /** The class that declares it. */
  readonly declaredIn: string;
}

/** A malformed props doc: names the file, the interface, the prop and the fix. */
export class PropsDocError extends Error {
  override readonly name = "PropsDocError";
}

/** Compiler options for reading the modules under `root` (types only, nothing emitted). */
function compilerOptions(root: string): ts.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    typeRoots: [path.join(root, "node_modules", "@types")],
    types: ["node"],
  };
}

/** Reads props interfaces exported from module entry points (e.g. `modules/network/index.ts`). */
export class PropsReader {
  private readonly program: ts.Program;
  private readonly checker: ts.TypeChecker;
  private readonly checked = new Set<string>();

  /** @param entryPoints absolute paths of module `index.ts` files; @param root base of reported paths */
  constructor(
    entryPoints: readonly string[],
    private readonly root: string,
  ) {
    this.program = ts.createProgram({ rootNames: [...entryPoints], options: compilerOptions(root) });
    this.checker = this.program.getTypeChecker();
  }

  /** Fails when the file declaring a documented interface does not type-check. */
  private assertTypeChecks(file: ts.SourceFile): void {
    if (this.checked.has(file.fileName)) return;
    const diagnostics = [
      ...this.program.getSyntacticDiagnostics(file),
      ...this.program.getSemanticDiagnostics(file),
    ].filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (diagnostics.length > 0) {
      const text = ts.formatDiagnostics(diagnostics.slice(0, 5), {
        getCanonicalFileName: (f) => f,
        getCurrentDirectory: () => this.root,
        getNewLine: () => "\n",
      });
      throw new PropsDocError(
        `${this.rel(file.fileName)}: does not type-check, so its props cannot be read:\n${text}`,
      );
    }
    this.checked.add(file.fileName);
  }

  /** Names of the interfaces exported from `entryPoint`, sorted. */
  exportedInterfaces(entryPoint: string): string[] {
    return this.moduleExports(entryPoint)
      .filter((s) => s.declarations?.some(ts.isInterfaceDeclaration))
      .map((s) => s.name)
      .sort();
  }

  /** Names of the interfaces exported from `entryPoint` whose names end in `Props` or `Options`. */
  exportedPropsInterfaces(entryPoint: string): string[] {
    return this.exportedInterfaces(entryPoint).filter((n) => /(Props|Options)$/.test(n));
  }

  /**
   * The interface `name` exported from `entryPoint`.
   * @param own only the props declared in the interface itself, not inherited ones
   */
  read(entryPoint: string, name: string, own = false): PropsInterfaceDoc {
    const symbol = this.moduleExports(entryPoint).find((s) => s.name === name);
    const decl = symbol?.declarations?.find(ts.isInterfaceDeclaration);
    if (!decl) {
      throw new PropsDocError(
        `${this.rel(entryPoint)}: exports no interface ${name}; ` +
          `name one of: ${this.exportedPropsInterfaces(entryPoint).join(", ") || "(none)"}`,
      );
    }
    this.assertTypeChecks(decl.getSourceFile());
    const props = this.collect(decl, own, new Set());
    return {
      name,
      file: this.rel(decl.getSourceFile().fileName),
      description: jsDocText(decl),
      extends: this.bases(decl).map((b) => b.name.text),
      props,
    };
  }

  /**
   * The public readonly properties of the class `name` exported from `entryPoint`, own first, then
   * inherited ones (getters and methods are not attributes).
   */
  readAttributes(entryPoint: string, name: string): AttributeDoc[] {
    const symbol = this.moduleExports(entryPoint).find((s) => s.name === name);
    const decl = symbol?.declarations?.find(ts.isClassDeclaration);
    if (!decl) throw new PropsDocError(`${this.rel(entryPoint)}: exports no class ${name}`);
    this.assertTypeChecks(decl.getSourceFile());
    const out: AttributeDoc[] = [];
    const seen = new Set<string>();
    for (let cls: ts.ClassDeclaration | undefined = decl; cls; cls = this.baseClass(cls)) {
      for (const member of cls.members) {
        if (!ts.isPropertyDeclaration(member) || !member.type) continue;
        const flags = ts.getCombinedModifierFlags(member);
        if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected | ts.ModifierFlags.Static))
          continue;
        if (!(flags & ts.ModifierFlags.Readonly) || ts.isPrivateIdentifier(member.name)) continue;
        const attr = member.name.getText();
        if (seen.has(attr)) continue;
        seen.add(attr);
        const type = this.checker.getTypeFromTypeNode(member.type);
        out.push({
          name: attr,
          typeText: member.type.getText().replace(/\s+/g, " "),
          kind: this.kindOf(type, literalsOf(type)),
          optional: member.questionToken !== undefined,
          description: jsDocText(member),
          declaredIn: cls.name?.text ?? "(anonymous)",
        });
      }
    }
    return out;
  }

  private baseClass(decl: ts.ClassDeclaration): ts.ClassDeclaration | undefined {
    const clause = decl.heritageClauses?.find((c) => c.token === ts.SyntaxKind.ExtendsKeyword);
    const expression = clause?.types[0]?.expression;
    const symbol = expression && this.checker.getSymbolAtLocation(expression);
    const base = symbol && this.resolve(symbol).declarations?.find(ts.isClassDeclaration);
    // Stop at library classes (Construct): their members are not the module's attributes.
    return base && !base.getSourceFile().isDeclarationFile ? base : undefined;
  }

  private moduleExports(entryPoint: string): ts.Symbol[] {
    const file = this.program.getSourceFile(entryPoint);
    const moduleSymbol = file && this.checker.getSymbolAtLocation(file);
    if (!moduleSymbol) throw new PropsDocError(`${this.rel(entryPoint)}: is not a module of the program`);
    return this.checker.getExportsOfModule(moduleSymbol).map((s) => this.resolve(s));
  }

  private resolve(symbol: ts.Symbol): ts.Symbol {
    return symbol.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(symbol) : symbol;
  }

  private bases(decl: ts.InterfaceDeclaration): ts.InterfaceDeclaration[] {
    const out: ts.InterfaceDeclaration[] = [];
    for (const clause of decl.heritageClauses ?? []) {
      for (const t of clause.types) {
        const s = this.checker.getSymbolAtLocation(t.expression);
        const base = s && this.resolve(s).declarations?.find(ts.isInterfaceDeclaration);
        if (!base || t.typeArguments) {
          throw new PropsDocError(
            `${this.where(decl)}: extends ${t.getText()}, which is not a plain interface; ` +
              `extend a named props interface (no Omit/Pick), or list its props in ${decl.name.text}`,
          );
        }
        this.assertTypeChecks(base.getSourceFile());
        out.push(base);
      }
    }
    return out;
  }

  private collect(decl: ts.InterfaceDeclaration, own: boolean, seen: Set<string>): PropDoc[] {
    const out: PropDoc[] = [];
    for (const member of decl.members) {
      if (!ts.isPropertySignature(member)) {
        throw new PropsDocError(
          `${this.where(decl)}: member ${member.getText().split("\n")[0]} is not a property; ` +
            `props interfaces hold readonly properties only`,
        );
      }
      const doc = this.prop(decl, member);
      if (!seen.has(doc.name)) out.push(doc);
      seen.add(doc.name);
    }
    if (!own) for (const base of this.bases(decl)) out.push(...this.collect(base, false, seen));
    return out;
  }

  private prop(decl: ts.InterfaceDeclaration, member: ts.PropertySignature): PropDoc {
    const name = member.name.getText();
    const where = `${this.where(decl)}.${name}`;
    if (!member.type) throw new PropsDocError(`${where} has no type annotation; add one`);
    if (!member.modifiers?.some((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword)) {
      throw new PropsDocError(`${where} is not readonly; props are readonly (add \`readonly\`)`);
    }
    const description = jsDocText(member);
    if (!description) throw new PropsDocError(`${where} has no TSDoc; describe it in a /** … */ comment`);
    const optional = member.questionToken !== undefined;
    const defaultText = jsDocTag(member, "default");
    if (optional && defaultText === undefined) {
      throw new PropsDocError(
        `${where} is optional but has no @default; add "@default <value>" or "@default - <behaviour>"`,
      );
    }
    if (!optional && defaultText !== undefined) {
      throw new PropsDocError(
        `${where} is required but has a @default; make it optional or drop the @default`,
      );
    }
    const type = this.checker.getTypeFromTypeNode(member.type);
    const literalValues = literalsOf(type);
    return {
      name,
      typeText: member.type.getText().replace(/\s+/g, " "),
      ...(literalValues ? { literalValues } : {}),
      kind: this.kindOf(type, literalValues),
      optional,
      description,
      ...(defaultText !== undefined ? { default: this.parseDefault(member, defaultText, where) } : {}),
      declaredIn: decl.name.text,
    };
  }

  private kindOf(type: ts.Type, literals: ReadonlyArray<string | number> | undefined): PropKind {
    if (literals && literals.every((v) => typeof v === "string")) return "string-enum";
    const f = type.flags;
    if (f & ts.TypeFlags.String) return "string";
    if (f & ts.TypeFlags.Number) return "number";
    if (f & ts.TypeFlags.Boolean || f & ts.TypeFlags.BooleanLiteral) return "boolean";
    const c = this.checker;
    if (c.isArrayType(type) || c.isTupleType(type)) {
      const element = c.getTypeArguments(type as ts.TypeReference)[0];
      if (element && element.flags & ts.TypeFlags.String) return "string-list";
      if (element && element.flags & ts.TypeFlags.Number) return "number-list";
      return "other";
    }
    const stringIndex = c.getIndexInfoOfType(type, ts.IndexKind.String);
    if (
      stringIndex &&
      stringIndex.type.flags & ts.TypeFlags.String &&
      c.getPropertiesOfType(type).length === 0
    ) {
      return "string-map";
    }
    if (this.extendsConstruct(type)) return "construct";
    return "other";
  }

  /**
   * Whether `type` is a class deriving from constructs' `Construct` (or is it), or an interface
   * extending its `IConstruct` (e.g. `INetwork`, which built and imported networks implement).
   */
  private extendsConstruct(type: ts.Type): boolean {
    if (!type.isClassOrInterface()) return false;
    if (type.symbol.name === "Construct" && type.isClass()) return true;
    if (type.symbol.name === "IConstruct" && !type.isClass()) return true;
    return (this.checker.getBaseTypes(type) ?? []).some((b) => this.extendsConstruct(b));
  }

  private parseDefault(member: ts.PropertySignature, text: string, where: string): PropDefault {
    if (/^-(\s|$)/.test(text)) return { kind: "description", text: text.replace(/^-\s*/, "") };
    const constant = /^([A-Za-z_$][\w$]*)(.*)$/s.exec(text);
    if (constant && !["true", "false", "null"].includes(constant[1])) {
      const [, name, rest] = constant;
      const value = this.constantValue(member, name, where);
      const { note, stated } = splitParenthetical(rest);
      if (stated !== undefined && !deepEqual(stated, value)) {
        throw new PropsDocError(
          `${where}: @default says ${name} is ${JSON.stringify(stated)}, but ${name} is ` +
            `${JSON.stringify(value)}; correct the TSDoc`,
        );
      }
      return { kind: "value", value, constant: name, ...(note ? { note } : {}) };
    }
    const literal = leadingLiteral(text);
    if (literal)
      return { kind: "value", value: literal.value, ...(literal.note ? { note: literal.note } : {}) };
    throw new PropsDocError(
      `${where}: @default (${text}) is neither a literal, an exported constant nor "- <behaviour>"; ` +
        `write "@default - ${text}" if it describes behaviour`,
    );
  }

  /** Evaluates the initializer of the constant `name` as seen from `member`. */
  private constantValue(member: ts.Node, name: string, where: string): unknown {
    const symbol = this.checker
      .getSymbolsInScope(member, ts.SymbolFlags.Value)
      .filter((s) => s.name === name)
      .map((s) => this.resolve(this.checker.getExportSymbolOfSymbol(s)))[0];
    const decl = symbol?.valueDeclaration;
    if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer) {
      throw new PropsDocError(
        `${where}: @default names ${name}, which is no constant in scope; fix the name`,
      );
    }
    try {
      return evaluate(decl.initializer);
    } catch (e) {
      throw new PropsDocError(
        `${where}: @default constant ${name} is not a literal (${(e as Error).message})`,
      );
    }
  }

  private where(decl: ts.InterfaceDeclaration): string {
    return `${this.rel(decl.getSourceFile().fileName)}: ${decl.name.text}`;
  }

  private rel(file: string): string {
    return path.relative(this.root, file).split(path.sep).join("/");
  }
}

/** The values of a union of string/number literals, or undefined for any other type. */
function literalsOf(type: ts.Type): Array<string | number> | undefined {
  const parts = type.isUnion() ? type.types : [type];
  if (!parts.every((t) => t.isStringLiteral() || t.isNumberLiteral())) return undefined;
  if (!type.isUnion()) return undefined;
  return parts.map((t) => (t as ts.LiteralType).value as string | number);
}

/** The TSDoc summary of `node` on one line, `{@link X}` as `` `X` ``. */
function jsDocText(node: ts.Node): string {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const last = docs[docs.length - 1];
  return last ? oneLine(commentText(last.comment)) : "";
}

/** The text of the tag `@name` of `node`'s TSDoc, or undefined when absent. */
function jsDocTag(node: ts.Node, name: string): string | undefined {
  const tag = ts.getJSDocTags(node).find((t) => t.tagName.text === name);
  return tag ? oneLine(commentText(tag.comment)) : undefined;
}

function commentText(comment: string | ts.NodeArray<ts.JSDocComment> | undefined): string {
  if (comment === undefined) return "";
  if (typeof comment === "string") return comment;
  return comment
    .map((part) => {
      if (ts.isJSDocLink(part) || ts.isJSDocLinkCode(part) || ts.isJSDocLinkPlain(part)) {
        const target = part.name ? part.name.getText() : "";
        const label = part.text.replace(/^\s*\|\s*/, "").trim();
        return label ? label : `\`${target}\``;
      }
      return part.text;
    })
    .join("");
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** A leading JSON literal (`true`, `30`, `"app"`, `["/tmp"]`) and the text after it. */
function leadingLiteral(text: string): { value: unknown; note?: string } | undefined {
  for (let end = text.length; end > 0; end--) {
    const head = text.slice(0, end).trim();
    if (!head) break;
    try {
      const value: unknown = JSON.parse(head);
      const note = text.slice(end).trim();
      return note ? { value, note } : { value };
    } catch {
      // shorter prefix next
    }
  }
  return undefined;
}

/**
 * `rest` = ` (<literal>[, <aside>])<note>` → the stated literal and the rest as a note (the aside
 * kept in parentheses); a prose parenthetical such as `(ECS-optimized Amazon Linux 2023)` stays.
 */
function splitParenthetical(rest: string): { stated?: unknown; note?: string } {
  const m = /^\s*\((.*?)\)(.*)$/s.exec(rest);
  const literal = m ? leadingLiteral(m[1]) : undefined;
  if (m && literal && (literal.note === undefined || literal.note.startsWith(","))) {
    const aside = literal.note?.replace(/^,\s*/, "");
    const note = [aside ? `(${aside})` : "", m[2].trim()]
      .filter(Boolean)
      .join(" ")
      .replace(/ ([,;.])/, "$1");
    return note ? { stated: literal.value, note } : { stated: literal.value };
  }
  const note = rest.trim();
  return note ? { note } : {};
}

/** Evaluates a literal initializer (strings, numbers, booleans, arrays, objects, `as const`). */
function evaluate(node: ts.Expression): unknown {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken) {
    return -(evaluate(node.operand) as number);
  }
  if (ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isParenthesizedExpression(node)) {
    return evaluate(node.expression);
  }
  if (ts.isArrayLiteralExpression(node)) return node.elements.map((e) => evaluate(e));
  if (ts.isObjectLiteralExpression(node)) {
    return Object.fromEntries(
      node.properties.map((p) => {
        if (!ts.isPropertyAssignment(p)) throw new Error(`unsupported ${ts.SyntaxKind[p.kind]}`);
        return [p.name.getText().replace(/^["']|["']$/g, ""), evaluate(p.initializer)];
      }),
    );
  }
  throw new Error(`unsupported expression ${node.getText()}`);
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

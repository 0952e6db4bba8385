/**
 * Whether a notebook file holds what the pair sees: the same cells, sources, counts and outputs.
 *
 * Metadata is left out: the server may stamp its own there, and no check reads it as work.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What the pair sees (the model's JSON) and the file as read back agree on every cell. */
export function sameCells(seen: unknown, saved: unknown): boolean {
  return canonical(cellsOf(seen)) === canonical(cellsOf(saved));
}

function cellsOf(notebook: unknown): Json[] {
  const cells = (notebook as { cells?: unknown } | null)?.cells;
  return Array.isArray(cells) ? cells.map(cell => cellOf(cell as Record<string, Json>)) : [];
}

function cellOf(cell: Record<string, Json>): Json {
  const kept: Record<string, Json> = {
    cell_type: cell.cell_type ?? null,
    source: joined(cell.source)
  };
  if (cell.cell_type === 'code') {
    kept.execution_count = cell.execution_count ?? null;
    const outputs = Array.isArray(cell.outputs) ? cell.outputs : [];
    kept.outputs = outputs.map(output => outputOf(output as Record<string, Json>));
  }
  return kept;
}

function outputOf(output: Record<string, Json>): Json {
  const data = (output.data ?? {}) as Record<string, Json>;
  return {
    output_type: output.output_type ?? null,
    name: output.name ?? null,
    text: joined(output.text),
    data: Object.fromEntries(Object.entries(data).map(([mime, value]) => [mime, joined(value)])),
    execution_count: output.execution_count ?? null,
    ename: output.ename ?? null,
    evalue: output.evalue ?? null
  };
}

/** nbformat stores multi-line text as a list of lines or one string: the same text either way. */
function joined(value: Json | undefined): Json {
  if (Array.isArray(value) && value.every(line => typeof line === 'string')) {
    return value.join('');
  }
  return value ?? null;
}

/** JSON with every object's keys sorted, so key order never makes two notebooks differ. */
function canonical(value: Json): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonical).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map(key => `${JSON.stringify(key)}:${canonical(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

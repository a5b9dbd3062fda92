/**
 * updateStatement (lib/policy/edit.ts) for several statements of one document, with the statement
 * list copied and the document rebuilt once instead of once per edit: a fix's findings often hit
 * a document several times. The result is what the same updateStatement calls in the same order
 * build.
 */
import { statementsOf, withStatements } from '../../policy/edit';
import type { JsonStatement, PolicyDocument } from '../../policy/types';

export interface StatementEdits {
  readonly doc: PolicyDocument;
  /** The document's statements (statementsOf), read-only. */
  readonly list: JsonStatement[];
  /** The edited copy of `list`, made on the first edit. */
  copy: JsonStatement[] | null;
}

export function startEdits(doc: PolicyDocument): StatementEdits {
  return { doc, list: statementsOf(doc), copy: null };
}

/** updateStatement(doc, index, update) on the edits so far: out-of-range indexes change nothing. */
export function editStatement(edits: StatementEdits, index: number | null, update: (s: JsonStatement) => JsonStatement): void {
  if (index === null || index < 0 || index >= edits.list.length) return;
  const copy = (edits.copy ??= edits.list.slice());
  copy[index] = update(copy[index]);
}

/** The edited document (the original when nothing was edited). */
export function finishEdits(edits: StatementEdits): PolicyDocument {
  return edits.copy === null ? edits.doc : withStatements(edits.doc, edits.copy);
}

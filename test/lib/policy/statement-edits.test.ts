/** startEdits/editStatement/finishEdits (and updateStatement, built on them) edit as the straightforward updateStatement below does, edit after edit. */
import { editStatement, finishEdits, startEdits, statementsOf, updateStatement, withStatements } from '../../../lib/policy/edit';
import type { JsonStatement, PolicyDocument } from '../../../lib/policy/types';

function referenceUpdate(doc: PolicyDocument, index: number, update: (s: JsonStatement) => JsonStatement): PolicyDocument {
  const list = statementsOf(doc);
  if (index < 0 || index >= list.length) return doc;
  return withStatements(doc, list.map((s, i) => (i === index ? update(s) : s)));
}

const tag = (name: string) => (s: JsonStatement): JsonStatement => ({ ...s, Sid: `${String(s.Sid ?? '')}${name}` });

describe('statement edits', () => {
  const docs: [string, PolicyDocument][] = [
    ['a list', { Version: '2012-10-17', Statement: [{ Sid: 'a' }, { Sid: 'b' }, { Sid: 'c' }], Id: 'x' }],
    ['a single object', { Statement: { Sid: 'only' }, Version: '2012-10-17' }],
    ['no statement', { Version: '2012-10-17' }],
  ];
  const plans: (number | null)[][] = [[], [0], [2, 0, 2], [1, 5, -1, null, 1]];

  it.each(docs.flatMap(([name, doc]) => plans.map((plan) => [name, doc, plan] as const)))('on %s, edits %j as the reference does in turn', (_name, doc, plan) => {
    // Prepare
    const before = JSON.stringify(doc);
    let want = doc;
    let oneByOne = doc;
    for (let k = 0; k < plan.length; k++) {
      const at = plan[k];
      if (at === null) continue;
      want = referenceUpdate(want, at, tag(`+${k}`));
      oneByOne = updateStatement(oneByOne, at, tag(`+${k}`));
    }
    // Act
    const edits = startEdits(doc);
    for (let k = 0; k < plan.length; k++) editStatement(edits, plan[k], tag(`+${k}`));
    const got = finishEdits(edits);
    // Assess: the same document, key order included; the input untouched; nothing edited, nothing copied.
    expect(JSON.stringify(got)).toBe(JSON.stringify(want));
    expect(JSON.stringify(oneByOne)).toBe(JSON.stringify(want));
    expect(got === doc).toBe(want === doc);
    expect(JSON.stringify(doc)).toBe(before);
  });
});

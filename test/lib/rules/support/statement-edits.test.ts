/** startEdits/editStatement/finishEdits build what updateStatement calls in turn build (lib/rules/support/statement-edits.ts). */
import { updateStatement } from '../../../../lib/policy/edit';
import type { JsonStatement, PolicyDocument } from '../../../../lib/policy/types';
import { editStatement, finishEdits, startEdits } from '../../../../lib/rules/support/statement-edits';

const tag = (name: string) => (s: JsonStatement): JsonStatement => ({ ...s, Sid: `${String(s.Sid ?? '')}${name}` });

describe('statement edits', () => {
  const docs: [string, PolicyDocument][] = [
    ['a list', { Version: '2012-10-17', Statement: [{ Sid: 'a' }, { Sid: 'b' }, { Sid: 'c' }], Id: 'x' }],
    ['a single object', { Statement: { Sid: 'only' }, Version: '2012-10-17' }],
    ['no statement', { Version: '2012-10-17' }],
  ];
  const plans: (number | null)[][] = [[], [0], [2, 0, 2], [1, 5, -1, null, 1]];

  it.each(docs.flatMap(([name, doc]) => plans.map((plan) => [name, doc, plan] as const)))('on %s, edits %j as updateStatement in turn does', (_name, doc, plan) => {
    // Prepare
    const before = JSON.stringify(doc);
    let want = doc;
    for (let k = 0; k < plan.length; k++) {
      const at = plan[k];
      if (at !== null) want = updateStatement(want, at, tag(`+${k}`));
    }
    // Act
    const edits = startEdits(doc);
    for (let k = 0; k < plan.length; k++) editStatement(edits, plan[k], tag(`+${k}`));
    const got = finishEdits(edits);
    // Assess: the same document, key order included; the input untouched; nothing edited, nothing copied.
    expect(JSON.stringify(got)).toBe(JSON.stringify(want));
    expect(got === doc).toBe(want === doc);
    expect(JSON.stringify(doc)).toBe(before);
  });
});

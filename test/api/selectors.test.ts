import { describe, expect, it } from 'vitest';
import {
  labelKeyErrors,
  labelSelectorAsSelector,
  labelSelectorAsString,
  labelsToString,
  parseSelector,
  selectorFromSet,
  selectorMatches,
} from '../../src/api/selectors.js';

describe('parseSelector: matching', () => {
  const web = { app: 'web', tier: 'frontend', env: 'prod' };

  it('equality, double equality and inequality', () => {
    expect(parseSelector('app=web').matches(web)).toBe(true);
    expect(parseSelector('app==web').matches(web)).toBe(true);
    expect(parseSelector('app=db').matches(web)).toBe(false);
    expect(parseSelector('tier!=db').matches(web)).toBe(true);
    expect(parseSelector('tier!=frontend').matches(web)).toBe(false);
    // != matches when the key is absent
    expect(parseSelector('missing!=x').matches(web)).toBe(true);
    expect(parseSelector('app=web,tier!=db').matches(web)).toBe(true);
    expect(parseSelector('app=web,tier=db').matches(web)).toBe(false);
  });

  it('set-based in / notin', () => {
    expect(parseSelector('env in (prod,staging)').matches(web)).toBe(true);
    expect(parseSelector('env in (dev)').matches(web)).toBe(false);
    expect(parseSelector('env notin (dev)').matches(web)).toBe(true);
    expect(parseSelector('env notin (prod)').matches(web)).toBe(false);
    // notin matches when the key is absent, in does not
    expect(parseSelector('zone notin (a)').matches(web)).toBe(true);
    expect(parseSelector('zone in (a)').matches(web)).toBe(false);
  });

  it('exists and does-not-exist', () => {
    expect(parseSelector('app').matches(web)).toBe(true);
    expect(parseSelector('!app').matches(web)).toBe(false);
    expect(parseSelector('!zone').matches(web)).toBe(true);
    expect(parseSelector('zone').matches(web)).toBe(false);
    expect(parseSelector('app,!zone').matches(web)).toBe(true);
  });

  it('gt / lt compare integers', () => {
    expect(parseSelector('replicas>2').matches({ replicas: '3' })).toBe(true);
    expect(parseSelector('replicas<2').matches({ replicas: '3' })).toBe(false);
    expect(parseSelector('replicas>2').matches({ replicas: 'x' })).toBe(false);
    expect(parseSelector('replicas>2').matches({})).toBe(false);
  });

  it('empty and whitespace-only selectors match everything', () => {
    expect(parseSelector('').matches(web)).toBe(true);
    expect(parseSelector('   ').matches(undefined)).toBe(true);
    expect(parseSelector('').empty()).toBe(true);
  });

  it('tolerates whitespace around tokens', () => {
    const s = parseSelector('  app = web ,  env in ( prod , dev ) ');
    expect(s.matches(web)).toBe(true);
    expect(s.toString()).toBe('app=web,env in (dev,prod)');
  });

  it('`in` and `notin` may be values', () => {
    expect(parseSelector('x in (in,notin)').matches({ x: 'notin' })).toBe(true);
    expect(parseSelector('x=in').matches({ x: 'in' })).toBe(true);
  });

  it('empty values: `x=`, `x in ()` and `(a,,b)` carry the empty string', () => {
    expect(parseSelector('x=').matches({ x: '' })).toBe(true);
    expect(parseSelector('x=').matches({ x: 'a' })).toBe(false);
    expect(parseSelector('x in ()').matches({ x: '' })).toBe(true);
    expect(parseSelector('x in (a,,b)').requirements[0].values).toEqual(['', 'a', 'b']);
  });

  it('prefixed keys', () => {
    expect(parseSelector('app.kubernetes.io/name=web').matches({ 'app.kubernetes.io/name': 'web' })).toBe(true);
  });
});

describe('parseSelector: canonical string', () => {
  it('sorts requirements by key and values inside sets', () => {
    expect(parseSelector('tier!=db,app=web').toString()).toBe('app=web,tier!=db');
    expect(parseSelector('env in (b,a),!x,y').toString()).toBe('env in (a,b),!x,y');
    expect(parseSelector('a==b').toString()).toBe('a==b');
    expect(parseSelector('x notin (c)').toString()).toBe('x notin (c)');
    expect(parseSelector('r>5').toString()).toBe('r>5');
  });

  it('round-trips through its string form', () => {
    for (const s of ['a=b', 'a in (x,y),b notin (z),!c,d', 'k8s.io/x!=1', 'n<3']) {
      const once = parseSelector(s).toString();
      expect(parseSelector(once).toString()).toBe(once);
    }
  });
});

describe('parseSelector: errors with Kubernetes wording', () => {
  it('missing value list parenthesis', () => {
    expect(() => parseSelector('env in a')).toThrow("unable to parse requirement: found 'a' expected: '('");
  });
  it('unknown operator after key', () => {
    expect(() => parseSelector('a b')).toThrow(
      "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt",
    );
  });
  it('trailing comma', () => {
    expect(() => parseSelector('a=b,')).toThrow("found '', expected: identifier after ','");
  });
  it('leading operator', () => {
    expect(() => parseSelector('=a')).toThrow("found '=', expected: !, identifier, or 'end of string'");
  });
  it('unclosed set', () => {
    expect(() => parseSelector('a in (b')).toThrow("unable to parse requirement: found '', expected: ',' or ')'");
  });
  it('junk after a requirement', () => {
    expect(() => parseSelector('!a=b')).toThrow("found '=', expected: ',' or 'end of string'");
  });
  it('invalid key names the regex', () => {
    expect(() => parseSelector('-a=b')).toThrow(
      'unable to parse requirement: <nil>: Invalid value: "-a": name part must consist of alphanumeric characters',
    );
  });
  it('invalid value names the key and position', () => {
    expect(() => parseSelector('a=-b')).toThrow('unable to parse requirement: values[0][a]: Invalid value: "-b": a valid label must be an empty string');
  });
  it('gt needs an integer', () => {
    expect(() => parseSelector('a>b')).toThrow("for 'Gt', 'Lt' operators, the value must be an integer");
  });
  it('label key errors', () => {
    expect(labelKeyErrors('a/b/c')[0]).toMatch(/^a qualified name must consist of/);
    expect(labelKeyErrors('/b')).toEqual(['prefix part must be non-empty']);
    expect(labelKeyErrors('x'.repeat(64))).toContain('name part must be no more than 63 bytes');
    expect(labelKeyErrors('Example.com/x')[0]).toMatch(/^prefix part a lowercase RFC 1123 subdomain/);
    expect(labelKeyErrors('example.com/x')).toEqual([]);
  });
});

describe('metav1.LabelSelector', () => {
  it('nil matches nothing, {} matches everything', () => {
    expect(labelSelectorAsSelector(undefined).matches({ a: 'b' })).toBe(false);
    expect(labelSelectorAsSelector(null).matches({})).toBe(false);
    expect(labelSelectorAsSelector({}).matches({ a: 'b' })).toBe(true);
    expect(labelSelectorAsSelector({ matchLabels: {}, matchExpressions: [] }).matches(undefined)).toBe(true);
  });

  it('matchLabels and matchExpressions are ANDed', () => {
    const sel = labelSelectorAsSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'staging'] },
        { key: 'tier', operator: 'NotIn', values: ['db'] },
        { key: 'team', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    });
    expect(sel.matches({ app: 'web', env: 'prod', team: 'a' })).toBe(true);
    expect(sel.matches({ app: 'web', env: 'prod', team: 'a', legacy: 'y' })).toBe(false);
    expect(sel.matches({ app: 'web', env: 'dev', team: 'a' })).toBe(false);
    expect(sel.matches({ app: 'web', env: 'prod' })).toBe(false);
    expect(sel.matches({ app: 'web', env: 'prod', team: 'a', tier: 'db' })).toBe(false);
    expect(sel.toString()).toBe('app=web,env in (prod,staging),!legacy,team,tier notin (db)');
  });

  it('bad operator and empty In values are errors', () => {
    expect(() => labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'Foo' as 'In' }] })).toThrow(
      '"Foo" is not a valid label selector operator',
    );
    expect(() => labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toThrow(
      "for 'in', 'notin' operators, values set can't be empty",
    );
  });

  it('labelSelectorAsString is what kubectl describe prints', () => {
    expect(labelSelectorAsString({ matchLabels: { app: 'nginx' } })).toBe('app=nginx');
    expect(labelSelectorAsString({})).toBe('<none>');
    expect(labelSelectorAsString(undefined)).toBe('<none>');
    expect(labelSelectorAsString({ matchExpressions: [{ key: 'a', operator: 'Bad' as 'In' }] })).toBe('<error>');
    expect(labelSelectorAsString({ matchLabels: { b: '2', a: '1' }, matchExpressions: [{ key: 'c', operator: 'Exists' }] })).toBe('a=1,b=2,c');
  });
});

describe('selectorMatches and helpers', () => {
  it('accepts strings, parsed selectors and LabelSelectors', () => {
    expect(selectorMatches('app=web', { app: 'web' })).toBe(true);
    expect(selectorMatches(parseSelector('app=db'), { app: 'web' })).toBe(false);
    expect(selectorMatches({ matchLabels: { app: 'web' } }, { app: 'web' })).toBe(true);
    expect(selectorMatches(undefined, { app: 'web' })).toBe(false);
    expect(selectorMatches('', undefined)).toBe(true);
  });

  it('selectorFromSet matches supersets; empty set matches all', () => {
    expect(selectorFromSet({ app: 'web' }).matches({ app: 'web', x: 'y' })).toBe(true);
    expect(selectorFromSet({ app: 'web' }).matches({ x: 'y' })).toBe(false);
    expect(selectorFromSet({}).matches({})).toBe(true);
    expect(selectorFromSet({ b: '1', a: '2' }).toString()).toBe('a=2,b=1');
  });

  it('labelsToString sorts keys', () => {
    expect(labelsToString({ tier: 'fe', app: 'web' })).toBe('app=web,tier=fe');
    expect(labelsToString(undefined)).toBe('');
  });
});

describe('selectorMatches caching', () => {
  it('a frozen LabelSelector gives the same answers when matched repeatedly, errors included', () => {
    const sel = Object.freeze({ matchLabels: Object.freeze({ app: 'web' }) });
    for (let i = 0; i < 3; i++) {
      expect(selectorMatches(sel, { app: 'web' })).toBe(true);
      expect(selectorMatches(sel, { app: 'db' })).toBe(false);
    }
    const bad = Object.freeze({ matchExpressions: [{ key: 'a', operator: 'In' as const, values: [] as string[] }] });
    expect(() => selectorMatches(bad, {})).toThrow("values set can't be empty");
    expect(() => selectorMatches(bad, {})).toThrow("values set can't be empty");
  });

  it('an unfrozen selector is re-read each time (it may have been edited)', () => {
    const sel: { matchLabels: Record<string, string> } = { matchLabels: { app: 'web' } };
    expect(selectorMatches(sel, { app: 'web' })).toBe(true);
    sel.matchLabels.app = 'db';
    expect(selectorMatches(sel, { app: 'web' })).toBe(false);
  });

  it('string selectors stay correct past the cache bound', () => {
    for (let i = 0; i < 300; i++) expect(selectorMatches(`n=${i}`, { n: String(i) })).toBe(true);
    expect(selectorMatches('n=5', { n: '6' })).toBe(false);
  });
});

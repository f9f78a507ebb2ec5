import { describe, expect, it } from 'vitest';
import { crossChecksRequired, pythonCrossCheck } from './pythonCrossCheck';

describe('pythonCrossCheck', () => {
  it('skips a cross-check with a missing module on a developer machine, fails it under CI=true', () => {
    const local = pythonCrossCheck(['no_such_module_pc'], {});
    expect(local.skip).toBe(true);
    const ci = pythonCrossCheck(['no_such_module_pc'], { CI: 'true' });
    expect(ci.skip).toBe(false);
    expect(() => ci.assertAvailable()).toThrow(/cannot import no_such_module_pc: install no_such_module_pc/);
    const noPython = pythonCrossCheck(['tifffile'], { CI: 'true' }, '/nonexistent/python3');
    expect(() => noPython.assertAvailable()).toThrow('/nonexistent/python3 cannot import tifffile: install python3-tifffile (.ci/run does); with CI=true a missing library fails the cross-check instead of skipping it');
  });

  it('CI is on for CI=true or CI=1 only', () => {
    expect([{ CI: 'true' }, { CI: '1' }, { CI: 'false' }, {}].map((env) => crossChecksRequired(env))).toEqual([true, true, false, false]);
  });
});

// The one place that decides which Python the fixture generators and the interop tests run, so that
// pointing LEADSCORE_PYTHON at a path that does not exist takes Python away from every caller at once.
import { spawnSync } from 'node:child_process';

/**
 * The interpreter to run: `LEADSCORE_PYTHON` when set, else Debian's `/usr/bin/python3` (a `python3` on
 * PATH may be a pyenv one without the Debian packages).
 */
export function pythonPath() {
  const chosen = process.env.LEADSCORE_PYTHON;
  return chosen === undefined || chosen === '' ? '/usr/bin/python3' : chosen;
}

/** Throws, naming the interpreter and the Debian packages to install, unless it imports every module. */
export function requirePython(modules) {
  const python = pythonPath();
  const probe = spawnSync(python, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
  if (probe.status !== 0) {
    const reason = probe.error ? probe.error.message : (probe.stderr ?? '').trim().split('\n').pop();
    throw new Error(
      `LEADSCORE_PYTHON must name a python3 that imports ${modules.join(', ')}, found "${python}" (${reason}); ` +
        'install Debian python3-xgboost and python3-sklearn (.ci/run does) or set LEADSCORE_PYTHON',
    );
  }
  return python;
}

/** The Python interpreter the generators and interop tests run (`LEADSCORE_PYTHON`, else `/usr/bin/python3`). */
export function pythonPath(): string;
/** Returns the interpreter, or throws naming it and the missing modules. */
export function requirePython(modules: readonly string[]): string;

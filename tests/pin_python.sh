# pin_python.sh - sourced by tests/suite.sh and tests/integration/lib.sh.
#
# cimr_pin_python DIR: python3 first on PATH may be a version manager's shim (pyenv's is a bash
# script that starts a dozen processes, about 0.5 s of CPU a start on these machines, and the
# suite starts python thousands of times: a third of the suite's CPU went there). Link DIR/python3
# to the interpreter the shim chooses, put DIR first on PATH and export CIMR_PYTHON_PINNED, so that
# a nested caller keeps it. Same interpreter, same version; only the shim is skipped.
cimr_pin_python() {
	[ -n "${CIMR_PYTHON_PINNED:-}" ] && return 0
	local py
	py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) && [ -x "$py" ] || return 0
	mkdir -p "$1" && ln -sf "$py" "$1/python3" || return 0
	export PATH="$1:$PATH" CIMR_PYTHON_PINNED=$1
}

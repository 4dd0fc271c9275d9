# Read by every JupyterLab terminal that `make lab` starts (bash --rcfile, or sh's $ENV):
# the user's own start-up file first, then the kit's bin folder first on PATH, so that
# `mfalab`, `python` and `pytest` are the project's.
if [ -n "$BASH_VERSION" ] && [ -f "$HOME/.bashrc" ]; then
    . "$HOME/.bashrc"
fi
if [ -n "$MFALAB_BIN" ]; then
    PATH="$MFALAB_BIN:$PATH"
    export PATH
fi

import importlib


def load_ext():
    """Return the compiled extension ``mmirn._ext``.

    Raises:
        ImportError: With instructions when the extension was not built.
    """
    try:
        return importlib.import_module('mmirn._ext')
    except ImportError as e:
        raise ImportError(
            'mmirn._ext (the compiled ops) is not built. From the repository root run '
            '`pip install --no-build-isolation -e .` (or `make test`, which builds it in '
            f'.venv/). Original error: {e}') from e


def ext_loaded() -> bool:
    """Whether the compiled extension can be imported."""
    try:
        load_ext()
    except ImportError:
        return False
    return True

"""Free-form config dicts (``test_cfg``, ``label_cfg``, ...) reject unknown keys."""
import inspect
from typing import Callable, Iterable, Optional, Union


def check_cfg_keys(cfg: Optional[dict], allowed: Union[Iterable[str], Callable],
                   name: str) -> dict:
    """Raise if ``cfg`` has a key that is not allowed, naming it and the allowed ones.

    A typo (``flipp=True``, ``scale=(1.0, 0.5)``) would otherwise be read as "not set"
    and its default used, silently.

    Args:
        cfg (dict, optional): The dict given in a config. None is an empty dict.
        allowed (Iterable[str] | Callable): The keys it may hold, or a function whose
            keyword arguments it holds (``label_cfg=dict(...)`` passed as
            ``fn(**label_cfg)``).
        name (str): What the dict is, for the message (``'CAMClassifier.test_cfg'``).

    Returns:
        dict: ``cfg`` as a plain dict (empty for None).

    Raises:
        ValueError: unknown keys, listed with the allowed ones.
    """
    cfg = dict(cfg or {})
    if callable(allowed):
        params = inspect.signature(allowed).parameters.values()
        if any(p.kind is p.VAR_KEYWORD for p in params):
            return cfg
        allowed = [p.name for p in params
                   if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    allowed = sorted(set(allowed))
    unknown = sorted(set(cfg) - set(allowed))
    if unknown:
        raise ValueError(
            f'unknown key(s) {", ".join(map(repr, unknown))} in {name}; allowed: '
            f'{", ".join(allowed) or "none"}')
    return cfg

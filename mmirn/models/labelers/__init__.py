"""Labellers: pseudo-label synthesis called from a segmentor's ``predict``.

Each one reads fields of a data sample (stored CAMs from ``LoadCAMs``, the model's
``pred_boundary`` / ``pred_displacement`` / ``pred_affinity``), calls the synthesis of
:mod:`mmirn.pseudo` and fills ``pred_sem_seg`` and / or ``pred_instances``. Registered
in ``TASK_UTILS`` and chosen in the config as ``model.labeler=dict(type=...)``.
"""
from .cam_threshold import CAMThresholdLabeler  # noqa: F401
from .compose import ComposeLabelers  # noqa: F401
from .irn import IRNInstanceLabeler, IRNSemanticLabeler  # noqa: F401
from .psa import PSALabeler  # noqa: F401
from .saliency import SaliencyCAMLabeler  # noqa: F401

from .cam_io import atomic_write, cam_path, load_cams, save_cams
from .crf import crf_from_unary, crf_inference, crf_inference_label
from .relations import (IGNORE_INDEX, mine_relation_labels, save_label_png,
                        threshold_cams)

__all__ = [
    'atomic_write', 'cam_path', 'load_cams', 'save_cams', 'crf_from_unary',
    'crf_inference', 'crf_inference_label', 'IGNORE_INDEX',
    'mine_relation_labels', 'save_label_png', 'threshold_cams'
]
from .instance import (INSTANCE_MODES, displacement_to_rgb,  # noqa: E402
                       find_centroids, instance_labels, instance_map,
                       refine_displacement)
from .semantic import save_png, semantic_label, voc_palette, walk_cams  # noqa: E402

__all__ += [
    'INSTANCE_MODES', 'displacement_to_rgb', 'find_centroids',
    'instance_labels', 'instance_map', 'refine_displacement', 'save_png',
    'semantic_label', 'voc_palette', 'walk_cams'
]
from .affinity_labels import (PSA_CRF_CFG, bg_scores,  # noqa: E402
                              mine_affinity_labels)
from .psa import pool_to_stride, psa_label, psa_scores  # noqa: E402

__all__ += [
    'PSA_CRF_CFG', 'bg_scores', 'mine_affinity_labels', 'pool_to_stride',
    'psa_label', 'psa_scores'
]

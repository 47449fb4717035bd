from .affinity_labels import (PSA_CRF_CFG, alpha_from_threshold, bg_scores,
                              mine_affinity_labels)
from .cam_io import (CAMFileError, atomic_write, cam_path, load_cams,
                     save_cams)
from .crf import crf_from_unary, crf_inference, crf_inference_label
from .mining import AffinityLabelMiner, LabelMiner, RelationMiner, mine_dataset
from .instance import (INSTANCE_MODES, displacement_to_rgb, find_centroids,
                       instance_labels, instance_map, refine_displacement)
from .psa import pool_to_stride, psa_label, psa_labels, psa_scores
from .relations import (IGNORE_INDEX, mine_relation_labels, save_label_png,
                        threshold_cams)
from .semantic import save_png, semantic_label, voc_palette, walk_cams

__all__ = [
    'PSA_CRF_CFG', 'alpha_from_threshold', 'bg_scores', 'mine_affinity_labels',
    'CAMFileError', 'atomic_write', 'cam_path', 'load_cams', 'save_cams',
    'crf_from_unary',
    'crf_inference', 'crf_inference_label', 'INSTANCE_MODES',
    'displacement_to_rgb', 'find_centroids', 'instance_labels', 'instance_map',
    'refine_displacement', 'AffinityLabelMiner', 'LabelMiner', 'RelationMiner',
    'mine_dataset', 'pool_to_stride', 'psa_label', 'psa_labels',
    'psa_scores', 'IGNORE_INDEX', 'mine_relation_labels', 'save_label_png',
    'threshold_cams', 'save_png', 'semantic_label', 'voc_palette', 'walk_cams'
]

from .boundary_affinity import BoundaryAffinity, boundary_affinity
from .directions import line_points, search_directions
from .ext_loader import ext_loaded, load_ext
from .feature_affinity import feature_affinity
from .random_walk import RandomWalk, propagate, random_walk

__all__ = [
    'ext_loaded', 'load_ext', 'search_directions', 'line_points', 'boundary_affinity',
    'BoundaryAffinity', 'random_walk', 'RandomWalk', 'propagate', 'feature_affinity'
]

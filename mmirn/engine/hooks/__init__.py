
from .displacement_mean_hook import DisplacementMeanHook  # noqa: F401
from .atomic_checkpoint_hook import AtomicCheckpointHook  # noqa: F401
from .rca_hook import RCAHook  # noqa: F401
from .prediction_writer_hook import PredictionWriterHook  # noqa: F401
from .random_state_hook import RandomStateHook  # noqa: F401

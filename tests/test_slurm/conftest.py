import os

import pytest

from .slurm_cluster import SlurmCluster, missing_binaries


@pytest.fixture(scope='session')
def slurm_cluster():
    """A one-node Slurm cluster started from the installed Debian packages (as root).

    Yields it (``.env`` has ``SLURM_CONF``; ``.partition``); at the end all jobs are
    cancelled and the daemons it started are stopped by PID. Skips when the packages
    are missing or not root, except with ``CI=true`` (``.ci/run`` installs them), where
    it fails.
    """
    missing = missing_binaries()
    reason = None
    if missing:
        reason = (f'Slurm binaries missing: {", ".join(missing)} (apt-get install '
                  '--no-install-recommends slurmctld slurmd slurm-client munge)')
    elif os.geteuid() != 0:
        reason = 'the test Slurm cluster runs its daemons as root'
    if reason:
        if os.environ.get('CI', '').lower() in ('1', 'true', 'yes'):
            pytest.fail(f'CI: {reason}')
        pytest.skip(reason)
    cluster = SlurmCluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()

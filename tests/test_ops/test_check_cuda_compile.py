import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / 'tools' / 'check_cuda_compile.sh'


@pytest.mark.skipif(shutil.which('nvcc') is None, reason='nvcc (CUDA toolkit) not found')
def test_cuda_kernels_compile():
    result = subprocess.run(['bash', str(SCRIPT)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'CUDA kernels compile' in result.stdout


@pytest.mark.skipif(shutil.which('nvcc') is None, reason='nvcc (CUDA toolkit) not found')
def test_broken_kernel_fails(tmp_path):
    # The check must fail when a kernel does not compile: run it on a broken copy.
    copy = tmp_path / 'repo'
    shutil.copytree(ROOT / 'mmirn' / 'ops' / 'csrc', copy / 'mmirn' / 'ops' / 'csrc')
    (copy / 'tools').mkdir()
    shutil.copy(SCRIPT, copy / 'tools')
    kernel = copy / 'mmirn/ops/csrc/common/cuda/random_walk_cuda_kernel.cuh'
    kernel.write_text(kernel.read_text().replace('acc += w[d * HW]', 'acc += w_[d]'))
    result = subprocess.run(['bash', str(copy / 'tools' / 'check_cuda_compile.sh')],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert 'w_' in result.stdout + result.stderr  # nvcc names the broken line


def test_missing_nvcc_is_reported(tmp_path):
    env = dict(os.environ, NVCC=str(tmp_path / 'no-nvcc'))
    result = subprocess.run(['bash', str(SCRIPT)], capture_output=True, text=True, env=env)
    assert result.returncode == 2
    assert 'nvcc not found' in result.stderr

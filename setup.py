"""Build and install mmirn with its C++ (and, where possible, CUDA) extension ``mmirn._ext``.

Like mmcv: the CPU sources are always built; the CUDA sources and ``WITH_CUDA`` only when
CUDA is available or ``FORCE_CUDA=1``. ``TORCH_CUDA_ARCH_LIST`` picks the architectures.
"""
import os
import shutil
import sys
from glob import glob

from setuptools import find_packages, setup

try:
    import torch
    from torch.utils.cpp_extension import (BuildExtension, CppExtension,
                                           CUDAExtension)
except ImportError:  # pragma: no cover - message for users
    sys.exit('mmirn builds a PyTorch C++ extension, so torch must be installed first.\n'
             'Install torch for your CUDA version (https://pytorch.org), e.g.\n'
             '    pip install torch\n'
             'then run again with build isolation off so the build sees it:\n'
             '    pip install --no-build-isolation -e .\n'
             'On a CPU-only machine, `make test` sets all of this up in .venv/.')

CSRC = os.path.join('mmirn', 'ops', 'csrc')


def readme():
    with open('README.md', encoding='utf-8') as f:
        return f.read()


def version():
    scope = {}
    with open(os.path.join('mmirn', 'version.py'), encoding='utf-8') as f:
        exec(compile(f.read(), 'version.py', 'exec'), scope)
    return scope['__version__']


def requirements(name):
    with open(os.path.join('requirements', name), encoding='utf-8') as f:
        lines = (line.split('#')[0].strip() for line in f)
        return [line for line in lines if line]


MIM_FILES = ('configs', 'tools', 'model-index.yml')


def add_mim_extension(pkg_dir='mmirn', root='.', mode=None):
    """Put configs, tools and model-index.yml in ``<pkg_dir>/.mim`` so that ``mim`` finds them.

    ``mode``: 'symlink' (editable / develop installs), 'copy' (wheels, sdists, installs);
    by default it is picked from the setup command in ``sys.argv``; other commands do nothing.
    """
    if mode is None:
        if {'develop', 'editable_wheel'} & set(sys.argv):
            mode = 'symlink'
        elif {'sdist', 'bdist_wheel', 'install', 'build_py'} & set(sys.argv):
            mode = 'copy'
        else:
            return
    mim_dir = os.path.join(pkg_dir, '.mim')
    os.makedirs(mim_dir, exist_ok=True)
    for name in MIM_FILES:
        src = os.path.abspath(os.path.join(root, name))
        dst = os.path.join(mim_dir, name)
        if not os.path.exists(src):
            continue
        if os.path.islink(dst) or os.path.isfile(dst):
            os.remove(dst)
        elif os.path.isdir(dst):
            shutil.rmtree(dst)
        if mode == 'symlink':
            os.symlink(os.path.relpath(src, mim_dir), dst)
        elif os.path.isdir(src):
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))
        else:
            shutil.copyfile(src, dst)


def get_extensions():
    sources = sorted(glob(os.path.join(CSRC, 'pytorch', '*.cpp')) +
                     glob(os.path.join(CSRC, 'pytorch', 'cpu', '*.cpp')))
    include_dirs = [os.path.abspath(os.path.join(CSRC, 'common'))]
    define_macros = []
    extra_compile_args = {'cxx': ['-O3', '-std=c++17']}
    with_cuda = (torch.cuda.is_available() and torch.utils.cpp_extension.CUDA_HOME
                 is not None) or os.getenv('FORCE_CUDA', '0') == '1'
    if with_cuda:
        sources += sorted(glob(os.path.join(CSRC, 'pytorch', 'cuda', '*.cu')))
        include_dirs.append(os.path.abspath(os.path.join(CSRC, 'common', 'cuda')))
        define_macros.append(('WITH_CUDA', None))
        extra_compile_args['nvcc'] = ['-O3', '-std=c++17']
        extension = CUDAExtension
    else:
        extension = CppExtension
    return [
        extension(
            name='mmirn._ext',
            sources=sources,
            include_dirs=include_dirs,
            define_macros=define_macros,
            extra_compile_args=extra_compile_args)
    ]


if __name__ == '__main__':
    add_mim_extension()
    setup(
        name='mmirn',
        version=version(),
        description='Weakly supervised semantic and instance segmentation '
        '(IRNet, PSA/AffinityNet, RCA) for OpenMMLab 2.x',
        long_description=readme(),
        long_description_content_type='text/markdown',
        license='Apache License 2.0',
        packages=find_packages(exclude=('configs', 'tools', 'tests', 'tests.*', 'docs')),
        include_package_data=True,
        package_data={'mmirn': ['.mim/model-index.yml', '.mim/configs/**/*',
                                '.mim/tools/**/*']},
        python_requires='>=3.8',
        install_requires=['torch>=1.13'] + requirements('runtime.txt') +
        requirements('mminstall.txt'),
        extras_require={
            'optional': requirements('optional.txt'),
            'tests': requirements('tests.txt'),
        },
        ext_modules=get_extensions(),
        cmdclass={'build_ext': BuildExtension},
        zip_safe=False)

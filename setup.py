"""Build and install mmirn with its C++ (and, where possible, CUDA) extension ``mmirn._ext``.

Like mmcv: the CPU sources are always built; the CUDA sources and ``WITH_CUDA`` only when
CUDA is available or ``FORCE_CUDA=1``. ``TORCH_CUDA_ARCH_LIST`` picks the architectures.
"""
import os
import shutil
import sys
from glob import glob

from setuptools import find_packages, setup
from setuptools.command.editable_wheel import editable_wheel

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


def mim_files(root='.'):
    """``(source, path in .mim)`` of each file ``mim`` needs: configs, tools, model-index.yml,
    and each config once more without ``.py`` so that ``mim train mmirn NAME`` finds it
    (mim matches file names; the tools read ``NAME`` as ``NAME.py``)."""
    root = os.path.abspath(root)
    for item in MIM_FILES:
        src = os.path.join(root, item)
        paths = [src] if os.path.isfile(src) else sorted(
            p for p in glob(os.path.join(src, '**', '*'), recursive=True)
            if os.path.isfile(p) and '__pycache__' not in p and not p.endswith('.pyc'))
        for path in paths:
            rel = os.path.relpath(path, root)
            yield path, rel
            if item == 'configs' and rel.endswith('.py') and '_base_' not in rel:
                yield path, rel[:-3]


def add_mim_extension(pkg_dir='mmirn', root='.', mode=None):
    """Put configs, tools and model-index.yml in ``<pkg_dir>/.mim`` so that ``mim`` finds them.

    ``mode``: 'symlink' (develop installs), 'copy' (wheels, sdists, installs); by default
    it is picked from the setup command in ``sys.argv``; other commands do nothing.
    """
    if mode is None:
        if {'develop', 'editable_wheel'} & set(sys.argv):
            mode = 'symlink'
        elif {'sdist', 'bdist_wheel', 'install', 'build_py'} & set(sys.argv):
            mode = 'copy'
        else:
            return
    mim_dir = os.path.join(pkg_dir, '.mim')
    if os.path.islink(mim_dir) or os.path.isfile(mim_dir):
        os.remove(mim_dir)
    elif os.path.isdir(mim_dir):
        shutil.rmtree(mim_dir)
    os.makedirs(mim_dir)
    if mode == 'symlink':
        for name in MIM_FILES:
            src = os.path.abspath(os.path.join(root, name))
            if os.path.exists(src):
                os.symlink(os.path.relpath(src, mim_dir), os.path.join(mim_dir, name))
        return
    for src, rel in mim_files(root):
        dst = os.path.join(mim_dir, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(src, dst)


class MimEditableStrategy:
    """What ``pip install -e .`` lays out, so that mim 0.3.9 finds mmirn's configs.

    mim looks for ``<site-packages>/mmirn/.mim``, next to the metadata, which a PEP 660
    finder never creates. So the editable wheel holds a ``.pth`` with the checkout (as
    ``setup.py develop`` did: the checkout's ``mmirn`` is the one imported, the
    ``site-packages/mmirn`` folder has no ``__init__.py`` and only adds ``.mim``) and a
    copy of :func:`mim_files` there. Re-run ``pip install -e .`` for
    ``mim`` to see new configs; ``tools/train.py configs/...`` always reads the checkout.
    """

    def __init__(self, name, project_dir):
        self.name = name
        self.project_dir = os.path.abspath(project_dir)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None

    def __call__(self, wheel, files, mapping):
        wheel.writestr(f'__editable__.{self.name}.pth', f'{self.project_dir}\n'.encode())
        for src, rel in mim_files(self.project_dir):
            wheel.write(src, arcname=f'mmirn/.mim/{rel}')


class MimEditableWheel(editable_wheel):
    """``editable_wheel`` with :class:`MimEditableStrategy` (``editable_mode=strict``
    keeps setuptools' own link tree)."""

    def _select_strategy(self, name, tag, build_lib):
        if (self.mode or '').lower() == 'strict':
            return super()._select_strategy(name, tag, build_lib)
        return MimEditableStrategy(name, self.project_dir)


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
        cmdclass={'build_ext': BuildExtension, 'editable_wheel': MimEditableWheel},
        zip_safe=False)

"""Plot an RCA checkpoint's memory bank: a 2-D projection coloured by class.

Reads the RCA head's buffers (``*.memory.bank``, ``*.memory.num_filled``,
``*.memory.ptr`` and ``*.aggregation.centroids`` / ``centroid_valid``) from a
checkpoint, projects each class's filled slots and the K-means centroids to 2-D
(PCA, or t-SNE with ``--tsne``), colours them with the dataset's palette (the
checkpoint's ``meta.dataset_meta``, else ``--dataset``'s METAINFO), marks the
centroids with crosses, writes the PNG atomically and prints, per class, the fill
rate (filled slots / queue length) and the pointer (written regions modulo the
queue length; with the released random bank every slot counts as filled from the
start, so the pointer is what shows the writes). Example::

    python tools/analysis_tools/plot_rca_bank.py work_dirs/demo/rca/epoch_30.pth \\
        --out work_dirs/demo/rca_report/bank.png
"""
import argparse
import io
import os.path as osp
import sys

import numpy as np

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

BUFFERS = ('memory.bank', 'memory.num_filled', 'memory.ptr',
           'aggregation.centroids', 'aggregation.centroid_valid')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('checkpoint', help='checkpoint of an RCA model')
    parser.add_argument('--out', required=True, help='the figure (PNG)')
    parser.add_argument('--dataset', default='VOCClsDataset',
                        help='dataset whose METAINFO names and colours the '
                        'classes when the checkpoint has no dataset_meta')
    parser.add_argument('--tsne', action='store_true',
                        help='t-SNE instead of PCA (slower)')
    parser.add_argument('--max-per-class', type=int, default=None,
                        help='plot at most this many slots of each class')
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args(argv)


def load_bank(filename):
    """The RCA buffers of a checkpoint (numpy) and its ``meta`` dict."""
    from mmengine.runner.checkpoint import _load_checkpoint

    from mmirn.utils import register_safe_globals
    register_safe_globals()
    ckpt = _load_checkpoint(filename, map_location='cpu')
    state = ckpt.get('state_dict', ckpt)
    found = {}
    for name in BUFFERS:
        keys = [k for k in state if k == name or k.endswith('.' + name)]
        if len(keys) != 1:
            raise KeyError(
                f'{filename} has {len(keys)} buffers named *{name} (one expected): '
                'is it the checkpoint of an RCA model (RCAHead)?')
        found[name] = state[keys[0]].cpu().numpy()
    return found, ckpt.get('meta') or {}


def class_meta(meta, dataset, num_classes):
    """Foreground class names and RGB colours (0-1) of the bank's classes."""
    info = meta.get('dataset_meta')
    if not info or 'classes' not in info:
        import mmirn.datasets  # noqa: F401
        from mmirn.registry import DATASETS
        cls = DATASETS.get(dataset)
        if cls is None:
            raise KeyError(f'unknown dataset {dataset!r}')
        info = cls.METAINFO
    names = list(info['classes'])[1:]
    if len(names) != num_classes:
        raise ValueError(f'the bank has {num_classes} classes but the dataset '
                         f'metainfo has {len(names)} foreground classes: {names}')
    palette = info.get('palette')
    if palette is None or len(palette) < num_classes + 1:
        import matplotlib
        colours = [matplotlib.colormaps['tab20'](i % 20)[:3]
                   for i in range(num_classes)]
    else:
        colours = [tuple(np.asarray(p, float) / 255) for p in palette[1:]]
    return names, colours


def fill_rates(buffers):
    """Per class: (fill rate, filled slots, queue length, pointer)."""
    queue_len = buffers['memory.bank'].shape[1]
    return [(int(n) / queue_len, int(n), queue_len, int(p))
            for n, p in zip(buffers['memory.num_filled'], buffers['memory.ptr'])]


def project(points, tsne=False, seed=0):
    """2-D projection of (M, D) points."""
    if len(points) < 2:
        return np.zeros((len(points), 2))
    if tsne:
        from sklearn.manifold import TSNE
        perplexity = min(30., (len(points) - 1) / 3)
        return TSNE(n_components=2, perplexity=perplexity, init='pca',
                    random_state=seed).fit_transform(points)
    from sklearn.decomposition import PCA
    return PCA(n_components=2, random_state=seed).fit_transform(points)


def plot_bank(buffers, names, colours, out, tsne=False, max_per_class=None,
              seed=0):
    """Draw the projection and write it to ``out`` atomically."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    from mmirn.pseudo.cam_io import atomic_write
    bank = buffers['memory.bank'].astype(np.float64)
    num_classes = bank.shape[0]
    rng = np.random.default_rng(seed)
    pts, labels = [], []
    for c in range(num_classes):
        idx = np.arange(int(buffers['memory.num_filled'][c]))
        if max_per_class is not None and len(idx) > max_per_class:
            idx = np.sort(rng.choice(idx, max_per_class, replace=False))
        pts.append(bank[c, idx])
        labels.append(np.full(len(idx), c))
    cen = buffers['aggregation.centroids'].astype(np.float64)
    valid = buffers['aggregation.centroid_valid'].astype(bool)
    k = len(cen) // num_classes
    cen_labels = np.arange(len(cen))[valid] // k
    cen = cen[valid]
    xy = project(np.concatenate(pts + [cen]), tsne, seed)
    labels = np.concatenate(labels)
    xy_pts, xy_cen = xy[:len(labels)], xy[len(labels):]
    rates = fill_rates(buffers)
    fig, ax = plt.subplots(figsize=(7, 6))
    for c in range(num_classes):
        m = labels == c
        ax.scatter(xy_pts[m, 0], xy_pts[m, 1], s=6, alpha=0.5, color=colours[c],
                   label=f'{names[c]} (fill {rates[c][0]:.3f})')
        mc = cen_labels == c
        ax.scatter(xy_cen[mc, 0], xy_cen[mc, 1], s=90, marker='X',
                   color=colours[c], edgecolors='black', linewidths=0.8)
    ax.scatter([], [], s=90, marker='X', color='white', edgecolors='black',
               label='K-means centroids')
    ax.set_title(f'RCA memory bank ({"t-SNE" if tsne else "PCA"}, '
                 f'{len(labels)} slots, {len(cen)} centroids)')
    ax.legend(fontsize=7, markerscale=1.5, loc='best')
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format='png', dpi=120)
    plt.close(fig)
    atomic_write(out, lambda f: f.write(buf.getvalue()), suffix='.png')


def main(argv=None):
    args = parse_args(argv)
    buffers, meta = load_bank(args.checkpoint)
    num_classes = buffers['memory.bank'].shape[0]
    names, colours = class_meta(meta, args.dataset, num_classes)
    plot_bank(buffers, names, colours, args.out, args.tsne, args.max_per_class,
              args.seed)
    width = max(len(n) for n in names)
    print(f'{"class":<{width}}  fill_rate  filled  pointer')
    for name, (rate, n, q, p) in zip(names, fill_rates(buffers)):
        print(f'{name:<{width}}  {rate:9.3f}  {n:>3}/{q:<3}  {p:>7}')
    mean = np.mean([r[0] for r in fill_rates(buffers)])
    print(f'mean fill rate {mean:.3f}')
    print(f'saved {args.out}')


if __name__ == '__main__':
    main()

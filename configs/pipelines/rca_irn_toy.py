# RCA's CAMs into IRN on the toy benchmark, next to the plain CAMs (summary.json:
# cam_miou / rca_cam_miou at their best threshold, sem_miou / rca_sem_miou for IRN on
# each):
#   python tools/run_pipeline.py configs/pipelines/rca_irn_toy.py
# Inherits irn_toy.py (same work_dir and step names, so the plain CAM / IRN steps a
# `make demo` finished are skipped) and runs the same IRN steps again with the CAM
# classifier swapped for RCA's, at the same thresholds.
_base_ = ['./irn_toy.py']
vars = dict(
    rca_config='configs/rca/rca_r18_1xb8-30e_toyvoc-128x128.py',
    rca_ckpt='@last_checkpoint {work_dir}/rca',
    rca_cams='{work_dir}/rca_cams',
    rca_relations='{work_dir}/rca_relations',
    rca_irn_ckpt='@last_checkpoint {work_dir}/rca_irn',
)
_data = _base_._data
_irn = [s for s in _base_.steps if s['name'] != 'report']


def _swap(arg):
    """An IRN-pipeline argument pointed at RCA's CAM classifier and outputs."""
    for old, new in (('{cam_config}', '{rca_config}'), ('{cam_ckpt}', '{rca_ckpt}'),
                     ('{irn_ckpt}', '{rca_irn_ckpt}'), ('{cams}', '{rca_cams}'),
                     ('{relations}', '{rca_relations}'),
                     ('{work_dir}/cam', '{work_dir}/rca'),
                     ('{work_dir}/irn', '{work_dir}/rca_irn'),
                     ('{work_dir}/sem_labels', '{work_dir}/rca_sem_labels'),
                     ('{work_dir}/ins_labels', '{work_dir}/rca_ins_labels')):
        arg = arg.replace(old, new)
    return arg


_rca = []
for _s in _irn:
    if _s['name'] == 'toy_data':
        continue
    _r = dict(_s, name='rca_' + _s['name'],
              cmd=[_swap(a) for a in _s['cmd']])
    for _k in ('outputs', ):
        if _k in _s:
            _r[_k] = [_swap(a) for a in _s[_k]]
    if 'work_dir' in _s:
        _r['work_dir'] = _swap(_s['work_dir'])
    if 'summary' in _s:
        _r['summary'] = {('rca_' + k if not k.startswith('_') else '_rca' + k): v
                         for k, v in _s['summary'].items()}
    if _s['name'] == 'train_cam':
        _r['needs'] = ['toy_data']  # not the plain pipeline's last step
    _rca.append(_r)
# RCA's memory bank after training (report figure): the last checkpoint's bank slots
# projected to 2-D (PCA) and coloured by class, with the K-means centroids; the step's
# log prints each class's fill rate. The CAM inference does not wait for it.
_bank_plot = dict(
    name='rca_bank_plot',
    cmd=['tools/analysis_tools/plot_rca_bank.py', '{rca_ckpt}', '--out',
         '{work_dir}/rca_report/bank.png', '--dataset', 'ToyVOCClsDataset'],
    outputs=['{work_dir}/rca_report/bank.png'],
    needs=['rca_train_cam'])
_at = [s['name'] for s in _rca].index('rca_train_cam') + 1
_rca[_at]['needs'] = ['rca_train_cam']
_rca.insert(_at, _bank_plot)
# RCA's panel per image (image | CAM | RCA CAM | centroid attention | IRN labels on
# RCA's CAMs) for the first 6 images, and rca_report/panels/rca_panel.png with 4
_rca.append(dict(
    name='rca_report',
    cmd=['tools/visualize_rca.py', '{rca_config}', '{rca_ckpt}', '--cams', '{cams}',
         '--labels', '{work_dir}/rca_sem_labels', '--out',
         '{work_dir}/rca_report/panels', '--cfg-options', *_data],
    outputs=['{work_dir}/rca_report/panels']))
steps = _irn + _rca
comparison_rows = {
    'CAM (cam_r18, best bg threshold)': 'cam_miou',
    'RCA CAM (rca_r18, best bg threshold)': 'rca_cam_miou',
    'IRN on CAM': 'sem_miou',
    'IRN on RCA CAM': 'rca_sem_miou',
}

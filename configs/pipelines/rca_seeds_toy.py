# RCA's CAMs against the plain CAMs over seeds (issue 12's "3 seeds"): the CAM
# classifier and RCA are trained and swept again with seeds 1 and 2 (seed 0 is
# `rca_irn_toy.py` / `make demo`), same data, schedule and sweep:
#   python tools/run_pipeline.py configs/pipelines/rca_seeds_toy.py
# summary.json: cam_miou_seed{1,2}, rca_cam_miou_seed{1,2} (best bg threshold).
_base_ = ['./rca_irn_toy.py']
work_dir = 'work_dirs/demo'
vars = dict(
    _base_.vars,
    **{'{}_ckpt_seed{}'.format(m, n): '@last_checkpoint {work_dir}/seed%d/%s' % (n, d)
       for n in (1, 2) for m, d in (('cam', 'cam'), ('rca', 'rca'))})
_cam_steps = [s for s in _base_.steps
              if s['name'] in ('train_cam', 'cams', 'rca_train_cam', 'rca_cams')]


def _seeded(step, seed):
    """A copy of a CAM step writing under ``seed<N>/`` with the given seed."""
    out = 'seed{}'.format(seed)

    def move(arg):
        return (arg.replace('{work_dir}/', '{work_dir}/' + out + '/')
                .replace('{cams}', '{work_dir}/' + out + '/cams')
                .replace('{rca_cams}', '{work_dir}/' + out + '/rca_cams')
                .replace('{cam_ckpt}', '{cam_ckpt_' + out + '}')
                .replace('{rca_ckpt}', '{rca_ckpt_' + out + '}'))

    new = dict(step, name='{}_{}'.format(out, step['name']),
               cmd=[move(a) for a in step['cmd']],
               outputs=[move(a) for a in step.get('outputs', [])])
    if 'train' in step['name']:
        new['cmd'].append('randomness.seed={}'.format(seed))
        new['needs'] = ['toy_data']
    else:
        new['needs'] = ['{}_{}'.format(out, step['name'].replace('cams', 'train_cam'))]
    if 'work_dir' in step:
        new['work_dir'] = move(step['work_dir'])
    if 'summary' in step:
        new['summary'] = {k + '_' + out: v for k, v in step['summary'].items()}
    return new


steps = [_base_.steps[0]] + [_seeded(s, n) for n in (1, 2) for s in _cam_steps]
comparison_rows = {
    'CAM seed 1': 'cam_miou_seed1',
    'RCA CAM seed 1': 'rca_cam_miou_seed1',
    'CAM seed 2': 'cam_miou_seed2',
    'RCA CAM seed 2': 'rca_cam_miou_seed2',
}
ablation_rows = {}

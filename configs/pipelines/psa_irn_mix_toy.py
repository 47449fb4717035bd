# CAM / IRN / PSA / mixed on the same toy CAMs, one table (summary.json):
#   python tools/run_pipeline.py configs/pipelines/psa_irn_mix_toy.py
# Rows: cam_miou (CAMs at their best threshold), sem_miou (IRN), psa_miou (PSA's
# AffinityNet walk), irn_boundary_psa_bg_miou (IRN's boundary affinities walking
# PSA's background, at the power of psa_toy.py's psa_bg_thr). Shares work_dir and
# step names with irn_toy.py and psa_toy.py, so the steps either of them finished
# are skipped.
_base_ = ['./psa_toy.py']
vars = dict(
    mix_config='configs/psa/irn-psa-bg_r18_1xb8-900i_toyvoc-128x128.py')
_data = _base_._data
mix_steps = [
    dict(
        name='irn_psa_bg_labels',
        shard=True,
        cmd=['tools/test.py', '{mix_config}', '{irn_ckpt}', '--work-dir',
             '{work_dir}/irn_psa_bg', '--cfg-options', *_data,
             'test_dataloader.dataset.data_prefix.cam_path={cams}',
             'default_hooks.writer.out_dirs.sem={work_dir}/irn_psa_bg_labels',
             'model.labeler.bg_thr={psa_bg_thr}'],
        needs=['train_irn'],
        outputs=['{work_dir}/irn_psa_bg_labels'],
        work_dir='{work_dir}/irn_psa_bg',
        summary=dict(irn_boundary_psa_bg_miou='irn_psa_bg/mIoU')),
]
steps = _base_.irn_steps + _base_.psa_steps + mix_steps
ablation_rows = {
    'CAM': '_abl_cam',
    'CAM + boundary (random walk)': '_abl_cam_boundary',
    'CAM + displacement + boundary (IRN)': '_abl_full',
}
# the CAM / IRN / PSA table of summary.json: which variant produced which key
comparison_rows = {
    '_delete_': True,
    'CAM (cam_r18, best bg threshold)': 'cam_miou',
    'IRN (irn_r18, boundary walk)': 'sem_miou',
    'PSA (affinitynet_r18, feature-affinity walk)': 'psa_miou',
    'IRN boundary + PSA background (irn-psa-bg_r18)': 'irn_boundary_psa_bg_miou',
}

# The PSA recipe on the toy benchmark, on the CAMs of the IRN pipeline (same steps,
# same work_dir, so a run of either reuses the other's finished CAM steps):
#   python tools/run_pipeline.py configs/pipelines/psa_toy.py [--launcher pytorch --gpus 2]
# CAMs -> affinity labels (two background powers + CRF) -> AffinityNet -> PSA labels
# (walked background, beta 8, t 256) -> mIoU, next to the CAMs' best-threshold mIoU.
_base_ = ['./irn_toy.py']
vars = dict(
    psa_config='configs/psa/affinitynet_r18_1xb8-600i_toyvoc-128x128.py',
    psa_ckpt='@last_checkpoint {work_dir}/affinitynet',
    affinity_labels='{work_dir}/affinity_labels',
    # the split mined (relative to data_root): the images the CAM step infers
    affinity_ids='ImageSets/Segmentation/train.txt',
    # AffinityNet's backbone starts from the CAM network (no ImageNet weights here)
    affinity_init='{cam_ckpt}',
    # PSA's background powers are thresholds of the max CAM in disguise: the score
    # (1 - max CAM)^alpha equals the CAM at t with alpha = ln t / ln(1 - t). PSA's
    # alpha 4 / 32 (affinity labels) and 16 (labels) are t = 0.28 / 0.08 / 0.12,
    # around VOC CAMs' peak (0.15, alpha 11.7), like IRN's 0.30 / 0.05 / 0.25. The
    # toy CAMs peak at 0.65 (alpha 0.41); at the same ratio to the peak's power as in
    # irn_toy.py, PSA's label alpha 16 becomes 0.56, t = 0.6 (alpha 16 leaves the toy
    # labels near all background). The affinity labels take IRN's toy confident
    # areas 0.7 / 0.3: alpha 0.30 / 3.4.
    aff_fg_thr='{rel_fg_thr}',
    aff_bg_thr='{rel_bg_thr}',
    psa_bg_thr='0.6',
)
_data = _base_._data
cam_steps = [s for s in _base_.steps if s['name'] in ('toy_data', 'train_cam', 'cams')]
irn_steps = _base_.steps
psa_steps = [
    dict(
        name='affinity_labels',
        shard=True,
        cmd=['tools/mine_labels.py', '{psa_config}', '--out-dir',
             '{affinity_labels}', '--cfg-options',
             'mine_dataloader.dataset.data_root={data_root}',
             'mine_dataloader.dataset.ann_file={affinity_ids}',
             'mine_dataloader.dataset.data_prefix.cam_path={cams}',
             'miner.fg_thr={aff_fg_thr}', 'miner.bg_thr={aff_bg_thr}'],
        needs=['cams'],
        outputs=['{affinity_labels}']),
    dict(
        name='train_affinitynet',
        cmd=['tools/train.py', '{psa_config}', '--work-dir',
             '{work_dir}/affinitynet', '--resume', '--cfg-options', *_data,
             'model.backbone.init_cfg.checkpoint={affinity_init}',
             'train_dataloader.dataset.data_prefix.relation_path={affinity_labels}'],
        needs=['affinity_labels'],
        outputs=['{work_dir}/affinitynet']),
    dict(
        name='psa_labels',
        shard=True,
        cmd=['tools/test.py', '{psa_config}', '{psa_ckpt}', '--work-dir',
             '{work_dir}/affinitynet', '--cfg-options', *_data,
             'test_dataloader.dataset.data_prefix.cam_path={cams}',
             'default_hooks.writer.out_dirs.sem={work_dir}/psa_labels',
             'model.labeler.bg_thr={psa_bg_thr}'],
        needs=['train_affinitynet'],
        outputs=['{work_dir}/psa_labels'],
        work_dir='{work_dir}/affinitynet',
        summary=dict(
            psa_miou='psa/mIoU',
            psa_alpha='psa/alpha',
            psa_best_miou='psa/best_mIoU',
            psa_best_alpha='psa/best_alpha')),
]
steps = cam_steps + psa_steps
ablation_rows = dict(_delete_=True)
comparison_rows = {
    'CAM (cam_r18, best bg threshold)': 'cam_miou',
    'PSA (affinitynet_r18, feature-affinity walk)': 'psa_miou',
}

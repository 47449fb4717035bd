# The PSA recipe on the toy benchmark, on the CAMs of the IRN pipeline (same steps,
# same work_dir, so a run of either reuses the other's finished CAM steps):
#   python tools/run_pipeline.py configs/pipelines/psa_toy.py [--launcher pytorch --gpus 2]
# CAMs -> affinity labels (alpha 4 / 32 + CRF) -> AffinityNet -> PSA labels (walked
# alpha-16 background, beta 8, t 256) -> mIoU, next to the CAMs' best-threshold mIoU.
_base_ = ['./irn_toy.py']
vars = dict(
    psa_config='configs/psa/affinitynet_r18_1xb8-300i_toyvoc-128x128.py',
    psa_ckpt='@last_checkpoint {work_dir}/affinitynet',
    affinity_labels='{work_dir}/affinity_labels',
    affinity_ids='{data_root}/ImageSets/Segmentation/train.txt',
    # AffinityNet's backbone starts from the CAM network (no ImageNet weights here)
    affinity_init='{cam_ckpt}',
)
_data = _base_._data
cam_steps = [s for s in _base_.steps if s['name'] in ('toy_data', 'train_cam', 'cams')]
irn_steps = _base_.steps
psa_steps = [
    dict(
        name='affinity_labels',
        shard=True,
        cmd=['tools/mine_affinity_labels.py', '{data_root}/JPEGImages', '{cams}',
             '{affinity_labels}', '--ids', '{affinity_ids}']),
    dict(
        name='train_affinitynet',
        cmd=['tools/train.py', '{psa_config}', '--work-dir',
             '{work_dir}/affinitynet', '--resume', '--cfg-options', *_data,
             'model.backbone.init_cfg.checkpoint={affinity_init}',
             'train_dataloader.dataset.data_prefix.relation_path={affinity_labels}']),
    dict(
        name='psa_labels',
        shard=True,
        cmd=['tools/test.py', '{psa_config}', '{psa_ckpt}', '--work-dir',
             '{work_dir}/affinitynet', '--cfg-options', *_data,
             'test_evaluator.0.cam_dir={cams}',
             'test_evaluator.0.out_dir={work_dir}/psa_labels'],
        work_dir='{work_dir}/affinitynet',
        summary=dict(
            psa_miou='psa/mIoU',
            psa_best_miou='psa/best_mIoU',
            psa_best_alpha='psa/best_alpha')),
]
steps = cam_steps + psa_steps
ablation_rows = dict(_delete_=True)

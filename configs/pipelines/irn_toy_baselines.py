# make demo's IRN chain, then stock mmseg DeepLab v2 (R18, toy) trained on the IRN
# semantic pseudo labels and its GT twin (same model on the train GT masks), both
# scored on val GT. Slower than the demo, so kept apart:
#   python tools/run_pipeline.py configs/pipelines/irn_toy_baselines.py
_base_ = ['./irn_toy.py']
_data = _base_._data
vars = dict(
    seg_config='configs/seg/deeplabv2_r18-d8_1xb8-2ki_toyvoc-128x128_irn-labels.py',
    sem_labels='{work_dir}/sem_labels',  # absolute: see below
    seg_irn_ckpt='@last_checkpoint {work_dir}/seg_irn',
    seg_gt_ckpt='@last_checkpoint {work_dir}/seg_gt')
_seg_data = [
    'train_dataloader.dataset.data_root={data_root}',
    'val_dataloader.dataset.data_root={data_root}',
    'test_dataloader.dataset.data_root={data_root}',
]


def _seg_steps(tag, labels, ckpt):
    return [
        dict(
            name=f'train_seg_{tag}',
            cmd=['tools/train.py', '{seg_config}', '--work-dir',
                 f'{{work_dir}}/seg_{tag}', '--resume', '--cfg-options',
                 *_seg_data,
                 f'train_dataloader.dataset.data_prefix.seg_map_path={labels}'],
            outputs=[f'{{work_dir}}/seg_{tag}']),
        dict(
            name=f'test_seg_{tag}',
            cmd=['tools/test.py', '{seg_config}', ckpt, '--work-dir',
                 f'{{work_dir}}/seg_{tag}_test', '--cfg-options', *_seg_data],
            outputs=[f'{{work_dir}}/seg_{tag}_test'],
            work_dir=f'{{work_dir}}/seg_{tag}_test',
            summary={f'seg_{tag}_miou': 'mIoU'}),
    ]


# mmengine joins seg_map_path to data_root unless it is absolute; run_pipeline makes
# {work_dir} absolute, so the IRN labels' dir is found whatever --work-dir is given,
# while the GT twin's 'SegmentationClass' stays relative to data_root
steps = _base_.steps + _seg_steps(
    'irn', '{sem_labels}', '{seg_irn_ckpt}') + _seg_steps(
        'gt', 'SegmentationClass', '{seg_gt_ckpt}')

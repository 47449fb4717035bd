# make demo's IRN chain, then stock models trained on its pseudo labels beside the
# same models trained on the GT masks of the same train images, all scored on val GT
# (`make demo-baselines`; slower than the demo, so kept apart):
#   python tools/run_pipeline.py configs/pipelines/irn_toy_baselines.py
# - mmseg DeepLab v2 (R18, toy) on the IRN semantic pseudo labels / train GT / the
#   CAM-only labels (CAMThresholdLabeler at cam_bg_thr)
# - mmdet Mask R-CNN (R18-FPN, toy) on mmirn's instance-label COCO JSON / train GT
#   converted to COCO by tools/dataset_converters/instance_pngs_to_coco.py
# - report/seg_baselines/seg_preds.png: val images, GT, the three models' predictions
#   (tools/visualize_seg_preds.py on the PNGs the test steps write to seg_<labels>_test/preds)
# - each DeepLab v2 again with mmseg's multi-scale + flip TTA (mIoU_tta) and with
#   DeepLab's dense CRF after it (mIoU_tta_crf): tools/test.py --tta
# summary.json gets baselines.seg.<GT|IRN|CAM>.mIoU and baselines.ins.<GT|IRN>.ap50 /
# .ap70 (IRN's VOC-style mask AP, %, as the pseudo labels' ins_ap50) / .coco_ap (mmdet
# CocoMetric's segm mAP, a fraction). irn_toy_demo.py (`make demo`) is this pipeline's
# IRN chain and its DeepLab v2 IRN row.
_base_ = ['./irn_toy.py']
vars = dict(
    seg_config='configs/seg/deeplabv2_r18-d8_1xb8-2ki_toyvoc-128x128_irn-labels.py',
    ins_config='configs/mask_rcnn/mask-rcnn_r18_fpn_1xb4-2ki_toyvoc_irn-labels.py',
    # mmengine joins seg_map_path / ann_file to data_root unless they are absolute;
    # run_pipeline makes {work_dir} absolute, so these are found whatever --work-dir
    # is given (the GT twin's 'SegmentationClass' stays relative to data_root)
    sem_labels='{work_dir}/sem_labels',
    cam_sem_labels='{work_dir}/cam_sem_labels',
    ins_labels_json='{work_dir}/ins_labels.json',
    train_gt_ins='{work_dir}/coco/train_gt_ins.json',
    val_gt_ins='{work_dir}/coco/val_gt_ins.json',
    seg_irn_ckpt='@last_checkpoint {work_dir}/seg_irn',
    seg_gt_ckpt='@last_checkpoint {work_dir}/seg_gt',
    seg_cam_ckpt='@last_checkpoint {work_dir}/seg_cam',
    ins_irn_ckpt='@last_checkpoint {work_dir}/ins_irn',
    ins_gt_ckpt='@last_checkpoint {work_dir}/ins_gt')
_seg_data = [
    'train_dataloader.dataset.data_root={data_root}',
    'val_dataloader.dataset.data_root={data_root}',
    'test_dataloader.dataset.data_root={data_root}',
]
_ins_data = [
    'train_dataloader.dataset.data_root={data_root}',
    'val_dataloader.dataset.data_root={data_root}',
    'test_dataloader.dataset.data_root={data_root}',
    'val_dataloader.dataset.ann_file={val_gt_ins}',
    'test_dataloader.dataset.ann_file={val_gt_ins}',
    'val_evaluator.0.ann_file={val_gt_ins}',
    'test_evaluator.0.ann_file={val_gt_ins}',
]


def _seg_steps(tag, labels, ckpt, needs):
    return [
        dict(
            name=f'train_seg_{tag}',
            cmd=['tools/train.py', '{seg_config}', '--work-dir',
                 f'{{work_dir}}/seg_{tag}', '--resume', '--cfg-options',
                 *_seg_data,
                 f'train_dataloader.dataset.data_prefix.seg_map_path={labels}'],
            outputs=[f'{{work_dir}}/seg_{tag}'],
            needs=needs),
        dict(
            name=f'test_seg_{tag}',
            cmd=['tools/test.py', '{seg_config}', ckpt, '--work-dir',
                 f'{{work_dir}}/seg_{tag}_test', '--cfg-options', *_seg_data,
                 f'test_evaluator.output_dir={{work_dir}}/seg_{tag}_test/preds'],
            outputs=[f'{{work_dir}}/seg_{tag}_test'],
            work_dir=f'{{work_dir}}/seg_{tag}_test',
            summary={f'seg_{tag}_miou': 'mIoU'}),
    ]


def _seg_tta_steps(tag, ckpt):
    """The trained model again through mmseg's multi-scale + flip TTA, then with
    DeepLab's dense CRF after it (tools/test.py --tta, mmirn.CRFSegTTAModel)."""
    steps = []
    for kind, extra in (('tta', []), ('crf', ['tta_model.type=mmirn.CRFSegTTAModel'])):
        steps.append(
            dict(
                name=f'test_seg_{tag}_{kind}',
                cmd=['tools/test.py', '{seg_config}', ckpt, '--tta', '--work-dir',
                     f'{{work_dir}}/seg_{tag}_{kind}', '--cfg-options', *_seg_data,
                     *extra],
                outputs=[f'{{work_dir}}/seg_{tag}_{kind}'],
                work_dir=f'{{work_dir}}/seg_{tag}_{kind}',
                needs=[f'train_seg_{tag}'],
                summary={f'seg_{tag}_miou_{kind}': 'mIoU'}))
    return steps


def _seg_figure(folder, tags, needs):
    preds = [f'{tag.upper()}-trained={{work_dir}}/seg_{tag}_test/preds' for tag in tags]
    return dict(
        name=f'report_{folder}',
        cmd=['tools/visualize_seg_preds.py', '{data_root}', '--preds', *preds,
             '--out', f'{{work_dir}}/report/{folder}'],
        outputs=[f'{{work_dir}}/report/{folder}'],
        needs=needs)


def _gt_coco(split, out):
    return dict(
        name=f'coco_gt_{split}',
        cmd=['tools/dataset_converters/instance_pngs_to_coco.py', '{data_root}',
             '--split', f'{{data_root}}/ImageSets/Segmentation/{split}.txt',
             '--classes-file', '{data_root}/classes.txt', '--out', out],
        outputs=[out],
        needs=['toy_data'])


def _ins_steps(tag, ann, ckpt, needs):
    return [
        dict(
            name=f'train_ins_{tag}',
            cmd=['tools/train.py', '{ins_config}', '--work-dir',
                 f'{{work_dir}}/ins_{tag}', '--resume', '--cfg-options',
                 *_ins_data, f'train_dataloader.dataset.ann_file={ann}'],
            outputs=[f'{{work_dir}}/ins_{tag}'],
            needs=needs),
        dict(
            name=f'test_ins_{tag}',
            cmd=['tools/test.py', '{ins_config}', ckpt, '--work-dir',
                 f'{{work_dir}}/ins_{tag}_test', '--cfg-options', *_ins_data],
            outputs=[f'{{work_dir}}/ins_{tag}_test'],
            work_dir=f'{{work_dir}}/ins_{tag}_test',
            summary={f'ins_{tag}_ap50': 'ins/ap50', f'ins_{tag}_ap70': 'ins/ap70',
                     f'ins_{tag}_coco_ap': 'coco/segm_mAP'}),
    ]


# make demo (irn_toy_demo.py): the IRN chain, DeepLab v2 on its labels, a picture
demo_steps = _base_.steps + _seg_steps('irn', '{sem_labels}', '{seg_irn_ckpt}',
                                       ['pseudo_labels'])
demo_steps.append(_seg_figure('seg_irn', ['irn'], ['test_seg_irn']))
steps = demo_steps + [
    _gt_coco('train', '{train_gt_ins}'),
    _gt_coco('val', '{val_gt_ins}'),
]
steps += _seg_steps('gt', 'SegmentationClass', '{seg_gt_ckpt}', ['toy_data'])
# CAM-only labels of the train split (CAMThresholdLabeler: the CAMs against the
# constant background cam_bg_thr, make demo's best CAM threshold) for the CAM row
steps.append(
    dict(
        name='cam_labels',
        cmd=['tools/test.py', '{cam_config}', '{cam_ckpt}', '--work-dir',
             '{work_dir}/cam_labels', '--cfg-options',
             'train_dataloader.dataset.data_root={data_root}',
             'test_dataloader.dataset.data_root={data_root}',
             'model.labeler.type=CAMThresholdLabeler', 'model.labeler.cam_field=pred_cams',
             'model.labeler.bg_thr={cam_bg_thr}', 'default_hooks.writer.out_dirs.cams=None',
             'default_hooks.writer.out_dirs.sem={cam_sem_labels}'],
        outputs=['{cam_sem_labels}'],
        work_dir='{work_dir}/cam_labels',
        needs=['train_cam']))
steps += _seg_steps('cam', '{cam_sem_labels}', '{seg_cam_ckpt}', ['cam_labels'])
steps.append(_seg_figure('seg_baselines', ['gt', 'irn', 'cam'],
                         ['test_seg_gt', 'test_seg_irn', 'test_seg_cam']))
steps += [s for tag in ('gt', 'irn', 'cam')
          for s in _seg_tta_steps(tag, f'{{seg_{tag}_ckpt}}')]
steps += _ins_steps('irn', '{ins_labels_json}', '{ins_irn_ckpt}',
                    ['pseudo_labels', 'coco_gt_val'])
steps += _ins_steps('gt', '{train_gt_ins}', '{ins_gt_ckpt}',
                    ['coco_gt_train', 'coco_gt_val'])
# summary.json: baselines.<task>.<labels>.<metric> from these summary keys, with
# each metric's ratio to the GT row
baseline_rows = dict(
    seg={
        labels: dict(mIoU=f'seg_{tag}_miou', mIoU_tta=f'seg_{tag}_miou_tta',
                     mIoU_tta_crf=f'seg_{tag}_miou_crf')
        for labels, tag in (('GT', 'gt'), ('IRN', 'irn'), ('CAM', 'cam'))
    },
    ins=dict(GT=dict(ap50='ins_gt_ap50', ap70='ins_gt_ap70', coco_ap='ins_gt_coco_ap'),
             IRN=dict(ap50='ins_irn_ap50', ap70='ins_irn_ap70',
                      coco_ap='ins_irn_coco_ap')))

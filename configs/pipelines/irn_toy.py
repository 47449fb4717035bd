# The IRN recipe on the toy benchmark, end to end on 2 CPU cores (`make demo`):
#   python tools/run_pipeline.py configs/pipelines/irn_toy.py [--launcher pytorch --gpus 2]
# Every step is a command a user can run alone; finished steps are skipped on a re-run.
work_dir = 'work_dirs/demo'
vars = dict(
    data_root='data/toy_voc',
    cam_config='configs/cam/cam_r18_1xb8-30e_toyvoc-128x128.py',
    irn_config='configs/irn/irn_r18_1xb8-900i_toyvoc-128x128.py',
    cam_ckpt='@last_checkpoint {work_dir}/cam',
    irn_ckpt='@last_checkpoint {work_dir}/irn',
    cams='{work_dir}/cams',
    relations='{work_dir}/relations',
    # IRN's thresholds fit VOC CAMs, whose mIoU peaks at a background threshold of
    # about 0.15; the toy CAMs (a small network trained from scratch) are broader and
    # peak at 0.65. A threshold t is a background power alpha(t) = ln t / ln(1 - t)
    # (where (1 - M)^alpha equals the CAM M), and the toy thresholds keep IRN's ratio of
    # that power to the peak's: VOC's peak is alpha 11.7, the toy's 0.41, so IRN's
    # label threshold 0.25 (alpha 4.8) becomes 0.78 and its CAM-only threshold (the
    # peak) 0.65. The relation labels' confident areas bracket the peak at 0.7 / 0.3
    # (the ratio rule would give 0.82 / 0.38: a foreground 94 % right but covering only
    # 24 % of the objects, against 85 % and 51 % at 0.7).
    rel_fg_thr='0.7',
    rel_bg_thr='0.3',
    sem_bg_thr='0.78',
    cam_bg_thr='0.65',
)
# dataset roots / outputs of the leaf configs, pointed at this pipeline's dirs
_data = [
    'train_dataloader.dataset.data_root={data_root}',
    'test_dataloader.dataset.data_root={data_root}',
]
steps = [
    dict(
        name='toy_data',
        cmd=['tools/dataset_converters/make_toy_voc.py', '{data_root}']),
    dict(
        name='train_cam',
        cmd=['tools/train.py', '{cam_config}', '--work-dir', '{work_dir}/cam',
             '--resume', '--cfg-options', *_data],
        outputs=['{work_dir}/cam']),
    dict(
        name='cams',
        shard=True,
        cmd=['tools/test.py', '{cam_config}', '{cam_ckpt}', '--work-dir',
             '{work_dir}/cam', '--cfg-options', *_data,
             'default_hooks.writer.out_dirs.cams={cams}'],
        outputs=['{cams}'],
        work_dir='{work_dir}/cam',
        summary=dict(cam_miou='cam/mIoU', cam_best_thr='cam/best_thr')),
    dict(
        name='relations',
        shard=True,
        cmd=['tools/mine_labels.py', '{irn_config}', '--out-dir', '{relations}',
             '--cfg-options', 'mine_dataloader.dataset.data_root={data_root}',
             'mine_dataloader.dataset.data_prefix.cam_path={cams}',
             'miner.fg_thr={rel_fg_thr}', 'miner.bg_thr={rel_bg_thr}'],
        outputs=['{relations}']),
    dict(
        name='train_irn',
        cmd=['tools/train.py', '{irn_config}', '--work-dir', '{work_dir}/irn', '--resume',
             '--cfg-options', *_data, 'model.backbone.init_cfg.checkpoint={cam_ckpt}',
             'train_dataloader.dataset.data_prefix.relation_path={relations}'],
        outputs=['{work_dir}/irn']),
    dict(
        name='pseudo_labels',
        shard=True,
        cmd=['tools/test.py', '{irn_config}', '{irn_ckpt}', '--work-dir',
             '{work_dir}/irn', '--cfg-options', *_data,
             'test_dataloader.dataset.data_prefix.cam_path={cams}',
             'model.labeler.labelers.sem.bg_thr={sem_bg_thr}',
             'model.labeler.labelers.ins.bg_thr={sem_bg_thr}',
             'model.labeler.labelers.ins.cam_bg_thr={cam_bg_thr}',
             'default_hooks.writer.out_dirs.sem={work_dir}/sem_labels',
             'default_hooks.writer.out_dirs.ins={work_dir}/ins_labels'],
        outputs=['{work_dir}/sem_labels', '{work_dir}/ins_labels',
                 '{work_dir}/ins_labels.json'],
        work_dir='{work_dir}/irn',
        summary=dict(
            sem_miou='sem/mIoU',
            ins_ap50='ins/ap50',
            ins_ap70='ins/ap70',
            ins_coco_ap='coco/segm_mAP',
            _abl_cam='ins_cam/ap50',
            _abl_cam_boundary='ins_cam_boundary/ap50',
            _abl_full='ins/ap50')),
    # IRN Figure 9 (image | CAM | displacement | boundary | instances | classes): one
    # PNG for each of the first 6 images and report/figure9.png with the first 4; the
    # images and CAMs come through the IRN config's test dataset (--cams sets its
    # data_prefix.cam_path, read by LoadCAMs)
    dict(
        name='report',
        cmd=['tools/visualize_irn.py', '{irn_config}', '{irn_ckpt}', '--cams', '{cams}',
             '--sem-labels', '{work_dir}/sem_labels', '--ins-labels',
             '{work_dir}/ins_labels', '--out', '{work_dir}/report', '--cfg-options',
             *_data],
        outputs=['{work_dir}/report']),
]
ablation_rows = {
    'CAM': '_abl_cam',
    'CAM + boundary (random walk)': '_abl_cam_boundary',
    'CAM + displacement + boundary (IRN)': '_abl_full',
}

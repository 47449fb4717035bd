# make demo's IRN chain with the behaviour of IRN's released code (jiwoon-ahn/irn), the
# defaults of the VOC config (configs/irn/irn_r50_1xb32-3e_voc12aug-512x512.py lists
# them and the differences that remain), for a comparison with the paper's forms:
#   python tools/run_pipeline.py configs/pipelines/irn_toy_released.py
# - train_irn: (pos_aff + neg_aff) / 2 + (dp_fg + dp_bg) / 2, displacement errors
#   averaged over (dy, dx);
# - pseudo_labels: walked scores divided by their global maximum, 300 clamped
#   refinement moves, pixels reaching no centroid region as one more instance.
# The steps before train_irn are those of irn_toy.py (their outputs are not shared:
# another work_dir).
_base_ = ['./irn_toy.py']
work_dir = 'work_dirs/demo_released'
_released = dict(
    train_irn=[
        'model.decode_head.loss_decode.coord_reduction=mean',
        'model.decode_head.loss_decode.loss_weight_fg=0.5',
        'model.decode_head.loss_decode.loss_weight_bg=0.5',
        'model.decode_head.loss_decode.loss_weight_boundary=0.5',
    ],
    pseudo_labels=[
        'model.labeler.labelers.sem.norm=global',
        'model.labeler.labelers.ins.norm=global',
        'model.labeler.labelers.ins.refine_iters=300',
        'model.labeler.labelers.ins.refine_clamp=step',
        'model.labeler.labelers.ins.unassigned=instance',
    ])
steps = [
    dict(step, cmd=[*step['cmd'], *_released.get(step['name'], [])])
    for step in _base_.steps
]

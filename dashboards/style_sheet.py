"""The dashboard's CSS (one sheet; classroom mode enlarges type through `.coprod-classroom`)."""

CSS = """
.coprod-field { margin-bottom: 2px; }
.coprod-field-label { font-size: 14px; font-weight: 500; }
.coprod-field-value { font-size: 14px; font-weight: 600; color: #0b4f8a; white-space: nowrap; }
.coprod-field-doc { font-size: 12px; line-height: 1.35; color: #333; }
.coprod-field-source { font-size: 11px; line-height: 1.3; color: #777; }
.coprod-field-why { font-size: 12px; color: #777; }
.coprod-field-error { color: #b00020; font-size: 12px; white-space: pre-wrap; }
.coprod-idle .coprod-field-label, .coprod-idle .coprod-field-value { color: #999; font-weight: 400; }
.coprod-description { font-size: 13px; line-height: 1.45; margin-bottom: 6px; }
.coprod-speed-value { font-size: 13px; }
.coprod-outcomes td, .coprod-outcomes th { padding: 1px 10px; text-align: right; font-size: 13px; }
.coprod-outcomes th { text-align: left; font-weight: 400; }
.coprod-events ul { margin: 2px 0 8px 0; font-size: 13px; }
.coprod-ab-table { width: auto; margin: 8px 16px; border-collapse: collapse; }
.coprod-ab-table td, .coprod-ab-table th { padding: 3px 10px; text-align: right; font-size: 14px; }
.coprod-ab-table th:first-child, .coprod-ab-table td:first-child { text-align: left; }
.coprod-verdicts { border-collapse: collapse; margin: 6px 0; }
.coprod-verdicts td, .coprod-verdicts th { padding: 3px 8px; font-size: 14px; text-align: left; }
.coprod-holds td:last-child { color: #006d4f; }
.coprod-fails td:last-child { color: #b00020; }
.coprod-img, img.coprod-img { max-width: 100%; height: auto; }
.coprod-ab-svg svg { max-width: 100%; height: auto; }
.coprod-key { display: inline-block; width: 10px; height: 10px; border-radius: 5px; margin: 0 4px 0 10px; }
.coprod-lesson-text { font-size: 16px; line-height: 1.55; }
.coprod-lesson-text-compact { font-size: 14px; line-height: 1.45; }
.coprod-info-body { font-size: 15px; line-height: 1.55; max-width: 62em; }
.coprod-info-body table { border-collapse: collapse; margin: 8px 0; }
.coprod-info-body td, .coprod-info-body th { border-bottom: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
.coprod-explorer-table td, .coprod-explorer-table th { padding: 2px 8px; font-size: 13px; text-align: right; }
.coprod-classroom .coprod-field-label, .coprod-classroom .coprod-field-value { font-size: 22px; }
.coprod-classroom .coprod-field-doc { font-size: 16px; }
.coprod-classroom .coprod-step { font-size: 28px !important; }
.coprod-classroom .coprod-lesson-text, .coprod-classroom .coprod-lesson-text-compact { font-size: 20px; }
.coprod-classroom .v-btn { font-size: 16px; }
"""

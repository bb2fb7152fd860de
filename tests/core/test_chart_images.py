"""Charts as images for documents: the page's ECharts option drawn into a PNG of the asked size."""

import io

from PIL import Image

from parkos.core import chart_images, charts


def _image(option, **kw):
    data = chart_images.png(option, **kw)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(io.BytesIO(data))


def test_a_bar_chart_is_a_png_of_the_asked_size():
    option = charts.bar(["星沙", "榔梨"], {"产值": [250, 50], "上年同期": [200, 25]}, unit="万元")
    img = _image(option, title="各园区产值", width_mm=150, height_mm=80)
    assert img.size == (885, 472)  # 150 × 80 mm at 150 dpi (5.906 × 3.150 in)


def test_bars_lines_a_right_axis_and_horizontal_bars_all_draw():
    line = charts.line(["1月", "2月"], {"产值": [1, 2], "税收": [0.1, None]}, bars=("产值",), right=("税收",))
    bars = charts.bar(["甲", "乙"], {"产值": [3, 4]}, horizontal=True)
    assert _image(line).size == _image(bars).size


def test_an_empty_chart_draws_its_no_data_notice_instead_of_axes():
    empty = _image(charts.bar(["甲"], {"产值": [None]}))
    drawn = _image(charts.bar(["甲"], {"产值": [1]}))

    # nothing but the grey notice: far fewer dark pixels than a chart with axes and a bar
    def inked(img):
        return sum(1 for p in img.convert("L").getdata() if p < 128)

    assert inked(empty) < inked(drawn) / 5

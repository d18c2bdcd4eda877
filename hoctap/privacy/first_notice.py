"""The wording of notice version 1 (in force with the law on 01/01/2026). Published, hence never edited:
a new wording is a new `Notice` row with a higher version. Migration 0002 adds it, and
`services.current_notice` puts it back in a database emptied by a flush (tests that truncate tables)."""

import datetime

FIRST = {
    "version": 1,
    "published_on": datetime.date(2026, 1, 1),
    "data_kinds": (
        "Họ và tên, giới tính, năm sinh (hoặc ngày sinh), xã, phường và thôn, tổ dân phố nơi bạn sống, hộ gia "
        "đình, nghề nghiệp, cơ quan công tác, kỹ năng số, số căn cước (nếu bạn khai), tên đăng nhập, kết quả tự "
        "đánh giá, minh chứng và quyết định công nhận danh hiệu. Dân tộc chỉ được ghi khi bạn đồng ý riêng."
    ),
    "purpose": (
        "Đăng ký, tự đánh giá, thẩm định và công nhận các danh hiệu học tập (Công dân học tập, Gia đình học tập, "
        "Dòng họ học tập, Cộng đồng học tập, Đơn vị học tập); nhắc hạn; lập báo cáo gửi cấp trên. Báo cáo và "
        "trang công khai chỉ có số liệu tổng hợp, không có tên người."
    ),
    "recipients": (
        "Cán bộ thôn, xã, phường nơi bạn sống và hội đồng đánh giá của xã; cán bộ tỉnh khi kiểm tra hồ sơ. Số căn "
        "cước chỉ hiện đầy đủ cho cán bộ xã được giao, mỗi lần xem đều được ghi lại. Dữ liệu không được bán, "
        "không chuyển cho doanh nghiệp hay ra nước ngoài. Trên trang công khai, nhóm dưới 5 người được ghi «<5»."
    ),
    "retention": (
        "Trong thời gian bạn còn trong sổ theo dõi của xã, phường. Khi bạn không còn trong sổ (chuyển đi, không "
        "còn hộ, không còn hồ sơ), dữ liệu được khử nhận dạng sau 5 năm. Quyết định công nhận là văn bản hành "
        "chính nên họ tên, năm sinh ghi trong quyết định được giữ lâu dài."
    ),
    "rights": (
        "Bạn có quyền được biết dữ liệu nào được xử lý; đồng ý hoặc không đồng ý; rút lại sự đồng ý; xem và "
        "yêu cầu sửa dữ liệu; yêu cầu xóa dữ liệu; khiếu nại, tố cáo, khởi kiện theo pháp luật. Gửi yêu cầu ở "
        "trang «Quyền về dữ liệu của tôi» sau khi đăng nhập, hoặc đến Ủy ban nhân dân xã, phường. Xã, phường "
        "trả lời trong thời hạn pháp luật quy định. Rút lại sự đồng ý không làm mất hiệu lực việc xử lý trước đó."
    ),
    "sensitive": (
        "Dân tộc là dữ liệu cá nhân nhạy cảm. Dân tộc của bạn chỉ được ghi khi bạn đồng ý riêng (ô đánh dấu thứ "
        "hai, không bắt buộc); chỉ cán bộ xã được giao mới xem được; dân tộc dùng để thống kê tổng hợp theo dân "
        "tộc và xét điểm vùng dân tộc thiểu số. Không đồng ý không ảnh hưởng đến việc đăng ký."
    ),
}

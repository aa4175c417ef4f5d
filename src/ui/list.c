/* The selection keys shared by every list in the console, so that j/k,
 * the arrows, PgUp/PgDn and g/G behave the same in each pane and menu. */
#include "ceres/ui/ui.h"

bool
ui_list_move(int key, size_t *sel, size_t n, size_t page)
{
	size_t last = n > 0 ? n - 1 : 0;

	if (page == 0)
		page = 1;
	switch (key) {
	case 'j': case KEY_DOWN:
		if (*sel < last)
			(*sel)++;
		break;
	case 'k': case KEY_UP:
		if (*sel > 0)
			(*sel)--;
		break;
	case KEY_NPAGE:
		*sel = *sel + page < last ? *sel + page : last;
		break;
	case KEY_PPAGE:
		*sel = *sel > page ? *sel - page : 0;
		break;
	case 'g': case KEY_HOME:
		*sel = 0;
		break;
	case 'G': case KEY_END:
		*sel = last;
		break;
	default:
		return false;
	}
	return true;
}

/* gridcheck - print each R x F cell with the number of segments that claim
 * it and the first one's name: "R F CLAIMS NAME".  Driven by segment.bats. */
#include <stdio.h>

#include "segment.h"

int main(void)
{
	int r, f;
	for (r = 5; r >= 1; r--)
		for (f = 1; f <= 5; f++) {
			const char *name = crm_grid_segment(r, f);
			printf("%d %d %d %s\n", r, f, crm_grid_claims(r, f), name ? name : "-");
		}
	return 0;
}

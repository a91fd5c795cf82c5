package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// A derived data-source attribute keeps the resource's description but what it says about
// changing the argument: data-source attributes are read only.
func TestComputedAttribute_dropsChangeSentences(t *testing.T) {
	tests := []struct{ resource, dataSource string }{
		{"Description. Changing it replaces the queue.", "Description."},
		{"Queue labels; the only one is `multi_az=2`. Changing them replaces the queue.", "Queue labels; the only one is `multi_az=2`."},
		{"CIDR of the pool. Changing it replaces the pool. Default 172.16.0.0/12.", "CIDR of the pool. Default 172.16.0.0/12."},
		{"Fewest CUs; changed in place.", "Fewest CUs; changed in place."},
	}
	for _, tt := range tests {
		got := computedAttribute(schema.StringAttribute{Optional: true, MarkdownDescription: tt.resource}).GetMarkdownDescription()
		if got != tt.dataSource {
			t.Errorf("%q became %q, want %q", tt.resource, got, tt.dataSource)
		}
	}
}

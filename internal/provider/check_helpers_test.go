package provider_test

import (
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// Short forms of the checks nearly every acceptance test makes.

// stateIs checks one top-level attribute of a resource or data source in state.
func stateIs(address, attribute string, value knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(address, tfjsonpath.New(attribute), value)
}

// emptyPlan expects the configuration to plan no change.
func emptyPlan() resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
}

// plannedAction expects the resource at address to plan the action, and the plan to pass the
// more checks.
func plannedAction(address string, action plancheck.ResourceActionType, more ...plancheck.PlanCheck) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: append([]plancheck.PlanCheck{plancheck.ExpectResourceAction(address, action)}, more...)}
}

// plannedEach expects each resource at addresses to plan the action.
func plannedEach(action plancheck.ResourceActionType, addresses ...string) resource.ConfigPlanChecks {
	var cs []plancheck.PlanCheck
	for _, a := range addresses {
		cs = append(cs, plancheck.ExpectResourceAction(a, action))
	}
	return resource.ConfigPlanChecks{PreApply: cs}
}

// plannedUpdate expects the resource at address to be updated in place (and the more checks).
func plannedUpdate(address string, more ...plancheck.PlanCheck) resource.ConfigPlanChecks {
	return plannedAction(address, plancheck.ResourceActionUpdate, more...)
}

// plannedReplace expects the resource at address to be replaced (destroyed, then created).
func plannedReplace(address string) resource.ConfigPlanChecks {
	return plannedAction(address, plancheck.ResourceActionDestroyBeforeCreate)
}

// checks lists state checks (so that a test names no check type).
func checks(cs ...statecheck.StateCheck) []statecheck.StateCheck { return cs }

// stateKeyIs checks one key of a map attribute in state.
func stateKeyIs(address, attribute, key string, value knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(address, tfjsonpath.New(attribute).AtMapKey(key), value)
}

// plannedNoop expects the resource at address to plan no action.
func plannedNoop(address string) resource.ConfigPlanChecks {
	return plannedAction(address, plancheck.ResourceActionNoop)
}

// plannedCreate expects the resource at address to be created.
func plannedCreate(address string) resource.ConfigPlanChecks {
	return plannedAction(address, plancheck.ResourceActionCreate)
}
